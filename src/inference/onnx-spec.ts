import { existsSync, readFileSync } from 'node:fs';
import { AppError } from '../api/errors';
import { readOnnxMetadata, type OnnxFileInfo } from '../export';
import { CROP_MODES, DEFAULT_RESIZE, RESIZE_METHODS, type CropMode, type ResizeMethod } from './preprocess';

/** How to turn pixels into the tensor an ONNX classifier expects, and what its outputs mean. */
export interface OnnxInputSpec {
  inputName: string;
  height: number;
  width: number;
  channels: 1 | 3;
  layout: 'nchw' | 'nhwc';
  /** Applied to 0..255 pixels: x' = (x * scale - mean[c]) / std[c]. */
  scale: number;
  mean: number[];
  std: number[];
  /** The model takes uint8 pixels and preprocesses inside its graph. */
  uint8: boolean;
  /**
   * How images are brought to the input size (./preprocess.ts): resampled as Pillow does
   * (bilinear, nearest, area, lanczos), or by sharp ('sharp', what Apprentice's own training
   * does); centre-cropped as torchvision's Resize + CenterCrop; letterboxed as Ultralytics does.
   * Always set by resolveOnnxSpec; absent only in specs stored before they existed (defaults then).
   */
  resize?: ResizeMethod;
  crop?: CropMode;
  letterbox?: boolean;
  classes: string[] | null;
  /** The model's batch size when its input fixes it (images are then fed that many at a time). */
  batch?: number;
  /** Detector teachers: how their YOLO output is decoded into boxes (absent for classifiers). */
  detector?: DetectorSpec;
}

/** How a YOLO-style detector's output becomes boxes. */
export interface DetectorSpec {
  /** v5: [1, boxes, 5 + classes]; v8: [1, 4 + classes, boxes]. */
  yolo: 'v5' | 'v8';
  /** Boxes scoring below this are dropped (v5: objectness x class score). */
  scoreThreshold: number;
  /** Class-wise NMS: a box overlapping a better one of its class by more than this is dropped. */
  iouThreshold: number;
  maxBoxes: number;
}

export const DEFAULT_SCORE_THRESHOLD = 0.25;
export const DEFAULT_IOU_THRESHOLD = 0.45;
export const DEFAULT_MAX_BOXES = 300;

/** The keys a sidecar `<model>.json` (or the CLI flags) may give, as in CLI.md. */
export interface SpecOverrides {
  inputSize?: string;
  channels?: number;
  layout?: 'nchw' | 'nhwc';
  scale?: number;
  mean?: number[];
  std?: number[];
  classes?: string[];
  resize?: ResizeMethod;
  crop?: CropMode;
  letterbox?: boolean;
  /** Detectors: score and IoU (NMS) thresholds. */
  scoreThreshold?: number;
  iouThreshold?: number;
}

/** The sidecar of an ONNX file: `<model>.json` beside `<model>.onnx`. */
export function sidecarPath(file: string): string {
  return file.replace(/\.onnx$/i, '') + '.json';
}

function sidecar(file: string): SpecOverrides {
  const path = sidecarPath(file);
  if (!existsSync(path)) return {};
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new AppError('INVALID_INPUT', `${path} is not valid JSON: ${(err as Error).message}`);
  }
  const out: SpecOverrides = {};
  const bad = (key: string, what: string) => new AppError('INVALID_INPUT', `${path}: "${key}" must be ${what}.`);
  const numbers = (key: string) => {
    const v = raw[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw bad(key, 'a list of numbers');
    return v as number[];
  };
  if (raw.inputSize !== undefined || raw.input_size !== undefined) out.inputSize = String(raw.inputSize ?? raw.input_size);
  if (raw.channels !== undefined) out.channels = Number(raw.channels);
  if (raw.layout !== undefined) {
    if (raw.layout !== 'nchw' && raw.layout !== 'nhwc') throw bad('layout', '"nchw" or "nhwc"');
    out.layout = raw.layout;
  }
  if (raw.scale !== undefined) out.scale = Number(raw.scale);
  if (raw.mean !== undefined) out.mean = numbers('mean');
  if (raw.std !== undefined) out.std = numbers('std');
  if (raw.classes !== undefined) {
    if (!Array.isArray(raw.classes)) throw bad('classes', 'a list of names');
    out.classes = raw.classes.map(String);
  }
  Object.assign(out, geometryKeys((key) => raw[key], (key, allowed) => bad(key, allowed)));
  for (const [key, snake] of [['scoreThreshold', 'score_threshold'], ['iouThreshold', 'iou_threshold']] as const) {
    const v = raw[key] ?? raw[snake];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw bad(key, 'a number from 0 to 1');
    out[key] = v;
  }
  return out;
}

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

/**
 * The resize, crop and letterbox keys of a sidecar or of ONNX metadata (where every value is a
 * string), checked: a value outside the allowed ones is refused naming the key and those values.
 */
function geometryKeys(get: (key: string) => unknown, bad: (key: string, allowed: string) => Error): Pick<SpecOverrides, 'resize' | 'crop' | 'letterbox'> {
  const out: Pick<SpecOverrides, 'resize' | 'crop' | 'letterbox'> = {};
  const resize = get('resize');
  if (resize !== undefined) {
    if (!RESIZE_METHODS.includes(resize as ResizeMethod)) throw bad('resize', `one of ${quoted(RESIZE_METHODS)} (got ${JSON.stringify(resize)})`);
    out.resize = resize as ResizeMethod;
  }
  const crop = get('crop');
  if (crop !== undefined) {
    if (!CROP_MODES.includes(crop as CropMode)) throw bad('crop', `one of ${quoted(CROP_MODES)} (got ${JSON.stringify(crop)})`);
    out.crop = crop as CropMode;
  }
  const letterbox = get('letterbox');
  if (letterbox !== undefined) {
    if (letterbox !== true && letterbox !== false && letterbox !== 'true' && letterbox !== 'false') throw bad('letterbox', `true or false (got ${JSON.stringify(letterbox)})`);
    out.letterbox = letterbox === true || letterbox === 'true';
  }
  return out;
}

/** Ultralytics writes its name into the metadata of the models it exports; their input is letterboxed. */
function isUltralytics(props: Record<string, string>): boolean {
  return /ultralytics/i.test(props.author ?? '') || /ultralytics/i.test(props.description ?? '');
}

/**
 * The geometry of the spec: flags, sidecar, ONNX metadata, then the defaults: a model Apprentice
 * exported without these keys was trained on sharp-resized pixels ('sharp'), an Ultralytics
 * export is letterboxed, anything else bilinear as torchvision's Resize. Contradictions are refused.
 */
function resolveGeometry(file: string, info: OnnxFileInfo, flags: SpecOverrides, side: SpecOverrides): Required<Pick<SpecOverrides, 'resize' | 'crop' | 'letterbox'>> {
  const meta = geometryKeys(
    (key) => info.props[key],
    (key, allowed) => new AppError('INVALID_INPUT', `${file}: the ONNX metadata "${key}" must be ${allowed}.`),
  );
  geometryKeys(
    (key) => flags[key as keyof SpecOverrides],
    (key, allowed) => new AppError('INVALID_INPUT', `--${key} must be ${allowed}.`),
  );
  const ours = info.apprenticeVersion !== null;
  const resize = flags.resize ?? side.resize ?? meta.resize ?? (ours ? 'sharp' : DEFAULT_RESIZE);
  const crop = flags.crop ?? side.crop ?? meta.crop ?? 'none';
  const letterbox = flags.letterbox ?? side.letterbox ?? meta.letterbox ?? (!ours && isUltralytics(info.props));
  if (resize === 'sharp' && (crop !== 'none' || letterbox)) {
    throw new AppError('INVALID_INPUT', `${file}: resize "sharp" stretches the image to the input size; crop "center" and letterbox need one of ${quoted(RESIZE_METHODS.filter((m) => m !== 'sharp'))}.`);
  }
  if (crop !== 'none' && letterbox) throw new AppError('INVALID_INPUT', `${file}: crop "${crop}" and letterbox cannot both apply: a centre crop cuts the image to fill the input, a letterbox pads it to fit.`);
  return { resize, crop, letterbox };
}

/**
 * Class names as Ultralytics (YOLOv5, YOLOv8) exports write them in the ONNX metadata: a Python
 * dict literal `{0: 'person', 1: 'bicycle'}` under "names". Null when absent or not that shape.
 */
export function ultralyticsNames(props: Record<string, string>): string[] | null {
  const text = props.names;
  if (!text) return null;
  const names: string[] = [];
  for (const m of text.matchAll(/(\d+)\s*:\s*(['"])(.*?)\2/g)) names[Number(m[1])] = m[3]!;
  return names.length && names.every((n) => n !== undefined) && Object.keys(names).length === names.length ? names : null;
}

function parseSize(text: string, where: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m) throw new AppError('INVALID_INPUT', `${where}: the input size must be WxH, e.g. 224x224 (got "${text}").`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

/**
 * The preprocessing of an ONNX classifier, from (first found wins) the CLI flags, a sidecar
 * `<model>.json`, the model's ONNX metadata, or its input shape (scale 1/255, no mean/std).
 * Shapes that cannot be an image classifier's input are refused with the reason.
 */
export function resolveOnnxSpec(file: string, flags: SpecOverrides = {}): { spec: OnnxInputSpec; info: OnnxFileInfo; thresholds: { scoreThreshold?: number; iouThreshold?: number } } {
  let info: OnnxFileInfo;
  try {
    info = readOnnxMetadata(readFileSync(file));
  } catch (err) {
    throw new AppError('INVALID_INPUT', `${file} is not an ONNX model (${(err as Error).message.split('\n')[0]}).`);
  }
  if (!info.inputName) throw new AppError('INVALID_INPUT', `${file} declares no input.`);
  const dims = info.inputShape;
  if (dims.length !== 4) throw new AppError('INVALID_INPUT', `${file}: the input ${info.inputName} has ${dims.length} dimensions; an image classifier takes 4 (batch, and height, width, channels in NCHW or NHWC order).`);
  const side = sidecar(file);
  const meta = info.preprocessing;
  const num = (d: number | string | undefined) => (typeof d === 'number' && d > 0 ? d : null);
  // Which axis holds the channels: the one that is 1 or 3 (NCHW puts it second, NHWC last).
  const shapeLayout: 'nchw' | 'nhwc' | null = num(dims[1]) === 1 || num(dims[1]) === 3 ? 'nchw' : num(dims[3]) === 1 || num(dims[3]) === 3 ? 'nhwc' : null;
  const layout = flags.layout ?? side.layout ?? (meta ? 'nhwc' : null) ?? shapeLayout;
  if (!layout) throw new AppError('INVALID_INPUT', `${file}: cannot tell the channel axis of input shape [${dims.join(', ')}]; give --layout nchw|nhwc.`);
  const [hAxis, wAxis, cAxis] = layout === 'nchw' ? [2, 3, 1] : [1, 2, 3];
  const sizeText = flags.inputSize ?? side.inputSize;
  const size = sizeText ? parseSize(sizeText, flags.inputSize ? '--input-size' : 'sidecar') : meta ? { width: meta.width, height: meta.height } : { width: num(dims[wAxis]), height: num(dims[hAxis]) };
  if (!size.width || !size.height) throw new AppError('INVALID_INPUT', `${file}: the input size is dynamic; give --input-size WxH.`);
  const channels = flags.channels ?? side.channels ?? meta?.channels ?? num(dims[cAxis]) ?? 3;
  if (channels !== 1 && channels !== 3) throw new AppError('INVALID_INPUT', `${file}: ${channels} input channels; only 1 (gray) or 3 (RGB) images can be fed.`);
  for (const [axis, want, what] of [[hAxis, size.height, 'height'], [wAxis, size.width, 'width'], [cAxis, channels, 'channels']] as const) {
    const got = num(dims[axis]);
    if (got !== null && got !== want) throw new AppError('INVALID_INPUT', `${file}: the model's input ${what} is ${got} but ${want} was given: the input shape does not fit.`);
  }
  const uint8 = info.inputType === 'uint8';
  if (info.inputType === 'other') throw new AppError('INVALID_INPUT', `${file}: the input is neither float32 nor uint8.`);
  const scale = uint8 ? 1 : (flags.scale ?? side.scale ?? meta?.scale ?? 1 / 255);
  const mean = flags.mean ?? side.mean ?? meta?.mean ?? [];
  const std = flags.std ?? side.std ?? meta?.std ?? [];
  for (const [name, list] of [['mean', mean], ['std', std]] as const) {
    if (list.length && list.length !== channels) throw new AppError('INVALID_INPUT', `${file}: ${name} has ${list.length} values for ${channels} channels.`);
  }
  const geometry = resolveGeometry(file, info, flags, side);
  return {
    spec: {
      inputName: info.inputName, height: size.height, width: size.width, channels, layout, scale,
      mean: mean.length ? mean : new Array(channels).fill(0), std: std.length ? std : new Array(channels).fill(1), uint8, ...geometry,
      classes: flags.classes ?? side.classes ?? info.classes ?? ultralyticsNames(info.props),
      ...(num(dims[0]) ? { batch: num(dims[0])! } : {}),
    },
    info,
    thresholds: Object.fromEntries(
      (['scoreThreshold', 'iouThreshold'] as const).flatMap((k) => {
        const v = flags[k] ?? side[k];
        return v === undefined ? [] : [[k, v]];
      }),
    ),
  };
}
