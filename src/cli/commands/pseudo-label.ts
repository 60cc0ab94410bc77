import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PseudoLabelResult } from '../../api/types';
import type { Command } from '../command';
import { requireChoice } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';

/** The preprocessing flags of an ONNX teacher (CLI.md), as the API's spec. */
function onnxFlags(values: Record<string, string | boolean | undefined>) {
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
  for (const [flag, key] of [['score-threshold', 'scoreThreshold'], ['iou-threshold', 'iouThreshold']] as const) {
    if (values[flag] === undefined) continue;
    const v = Number(values[flag]);
    if (!(v >= 0 && v <= 1)) throw new UsageError(`--${flag} must be a number from 0 to 1`);
    spec[key] = v;
  }
  return spec;
}

export const pseudoLabelCommand: Command = {
  usage:
    'pseudo-label <dir> --teacher MODEL_ID|FILE.onnx [--temperature T] [--split unlabeled] [--input-size WxH --channels 1|3 --layout nchw|nhwc --scale S --mean a,b,c --std a,b,c] [--score-threshold P --iou-threshold P (detectors)]',
  options: {
    teacher: { type: 'string' }, temperature: { type: 'string' }, split: { type: 'string' },
    'input-size': { type: 'string' }, channels: { type: 'string' }, layout: { type: 'string' }, scale: { type: 'string' }, mean: { type: 'string' }, std: { type: 'string' },
    'score-threshold': { type: 'string' }, 'iou-threshold': { type: 'string' },
  },
  positionals: 1,
  openProject: true,
  async run({ service, values, out }) {
    if (typeof values.teacher !== 'string') throw new UsageError('pseudo-label needs --teacher');
    const temperature = values.temperature === undefined ? 2 : Number(values.temperature);
    if (!(temperature > 0)) throw new UsageError('--temperature must be a positive number');
    const split = requireChoice('split', values.split ?? 'unlabeled', ['train', 'val', 'test', 'unlabeled'] as const);
    const teacher = existsSync(values.teacher) ? resolve(values.teacher) : values.teacher;
    const spec = onnxFlags(values);
    const r = (await runJob(
      service,
      () => service.invoke('jobs.start', { kind: 'pseudo-label', input: { teacher, temperature, split, ...(Object.keys(spec).length ? { spec } : {}) } }),
      out,
    )) as PseudoLabelResult;
    out.result({ labeled: r.labeled, skipped: r.skipped, errors: r.errors, round: r.round, ...(r.boxes !== undefined ? { boxes: r.boxes } : {}) }, () => [
      `Pseudo-labeled ${r.labeled} images${r.boxes !== undefined ? ` with ${r.boxes} boxes (${r.emptyImages ?? 0} with none)` : ''} (round ${r.round}); ${r.skipped} skipped`,
      ...(r.unmappedClasses.length ? [`teacher classes not in the project (ignored): ${r.unmappedClasses.join(', ')}`] : []),
      ...r.errors.map((e) => `  skipped ${e.path}: ${e.reason}`),
    ]);
  },
};

export const reviewCommand: Command = {
  usage: 'review <dir> (--accept-above P | --reject-below P) [--class NAME] [--dry-run]',
  options: { 'accept-above': { type: 'string' }, 'reject-below': { type: 'string' }, class: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  positionals: 1,
  openProject: true,
  async run({ service, values, out }) {
    const above = values['accept-above'];
    const below = values['reject-below'];
    if ((above === undefined) === (below === undefined)) throw new UsageError('review needs exactly one of --accept-above P or --reject-below P');
    const threshold = Number(above ?? below);
    if (!(threshold >= 0 && threshold <= 1)) throw new UsageError('the threshold must be a number from 0 to 1');
    let classId: number | undefined;
    if (typeof values.class === 'string') {
      const cls = (await service.invoke('classes.list', {})).find((c) => c.name.toLowerCase() === (values.class as string).toLowerCase());
      if (!cls) throw new UsageError(`there is no class "${values.class}"`);
      classId = cls.id;
    }
    const mode = above !== undefined ? 'accept-above' : 'reject-below';
    const { changed } = await service.invoke('review.bulk', { mode, threshold, ...(classId !== undefined ? { classId } : {}), dryRun: values['dry-run'] === true });
    const result = mode === 'accept-above' ? { accepted: changed, rejected: 0 } : { accepted: 0, rejected: changed };
    out.result(result, () => [`${values['dry-run'] ? 'Would have ' : ''}${mode === 'accept-above' ? 'accepted' : 'rejected'} ${changed} pending pseudo-labels`]);
  },
};
