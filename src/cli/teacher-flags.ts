import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AppService } from '../service';
import { isOnnxFileRef } from '../service';
import { requireChoice } from './command';
import { UsageError } from './errors';

/** The flags that describe an ONNX model file given as a teacher or model (CLI.md). */
export const ONNX_FILE_OPTIONS = {
  'input-size': { type: 'string' }, channels: { type: 'string' }, layout: { type: 'string' }, scale: { type: 'string' },
  mean: { type: 'string' }, std: { type: 'string' }, classes: { type: 'string' },
  resize: { type: 'string' }, crop: { type: 'string' }, letterbox: { type: 'boolean' },
} as const;

export const ONNX_FILE_USAGE = '[--input-size WxH --channels 1|3 --layout nchw|nhwc --scale S --mean a,b,c --std a,b,c --resize bilinear|nearest|area|lanczos|sharp --crop none|center --letterbox --classes a,b,c]';

/** A model or teacher named on the command line: an existing path is a file (made absolute), anything else a model id. */
export const modelRef = (value: string) => (existsSync(value) ? resolve(value) : value);

/** The preprocessing flags of an ONNX file (CLI.md), as the API's spec. */
export function onnxFlags(values: Record<string, string | boolean | undefined>) {
  const list = (flag: string) => {
    const v = values[flag];
    if (typeof v !== 'string') return undefined;
    const nums = v.split(',').map(Number);
    if (nums.some((n) => !Number.isFinite(n))) throw new UsageError(`--${flag} takes numbers separated by commas (got "${v}")`);
    return nums;
  };
  const spec: Record<string, unknown> = {};
  if (typeof values['input-size'] === 'string') spec.inputSize = values['input-size'];
  if (values.channels !== undefined) spec.channels = Number(requireChoice('channels', values.channels, ['1', '3']));
  if (values.layout !== undefined) spec.layout = requireChoice('layout', values.layout, ['nchw', 'nhwc']);
  if (values.scale !== undefined) {
    const scale = Number(values.scale);
    if (!(scale > 0)) throw new UsageError('--scale must be a positive number');
    spec.scale = scale;
  }
  const mean = list('mean');
  const std = list('std');
  if (mean) spec.mean = mean;
  if (std) spec.std = std;
  if (values.resize !== undefined) spec.resize = requireChoice('resize', values.resize, ['bilinear', 'nearest', 'area', 'lanczos', 'sharp']);
  if (values.crop !== undefined) spec.crop = requireChoice('crop', values.crop, ['none', 'center']);
  if (values.letterbox === true) spec.letterbox = true;
  if (values.classes !== undefined) {
    const names = String(values.classes).split(',').map((n) => n.trim());
    if (names.some((n) => !n)) throw new UsageError(`--classes takes class names separated by commas (got "${String(values.classes)}")`);
    if (new Set(names.map((n) => n.toLowerCase())).size !== names.length) throw new UsageError('--classes names a class twice');
    spec.classes = names;
  }
  for (const [flag, key] of [['score-threshold', 'scoreThreshold'], ['iou-threshold', 'iouThreshold']] as const) {
    if (values[flag] === undefined) continue;
    const v = Number(values[flag]);
    if (!(v >= 0 && v <= 1)) throw new UsageError(`--${flag} must be a number from 0 to 1`);
    spec[key] = v;
  }
  return spec;
}

/** `{ spec }` when any ONNX file flag was given, else nothing (so a model id's input stays as it was). */
export function specInput(values: Record<string, string | boolean | undefined>): { spec?: Record<string, unknown> } {
  const spec = onnxFlags(values);
  return Object.keys(spec).length ? { spec } : {};
}

/**
 * The model id of a --teacher for train and self-train: an ONNX file is imported (once, by
 * content: the teacher pseudo-label already imported from it) with its flags; an id is itself.
 */
export async function teacherModel(service: AppService, value: string, values: Record<string, string | boolean | undefined>): Promise<string> {
  const ref = modelRef(value);
  const { spec } = specInput(values);
  if (!isOnnxFileRef(ref)) {
    if (spec) throw new UsageError(`${Object.keys(spec).map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).map((k) => `--${k}`).join(' ')} describe an ONNX teacher file, not a model id`);
    return ref;
  }
  return (await service.invoke('teachers.import', { file: ref, ...(spec ? { spec } : {}) })).id;
}
