import type { PseudoLabelResult } from '../../api/types';
import type { Command } from '../command';
import { requireChoice } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';
import { modelRef, ONNX_FILE_OPTIONS, ONNX_FILE_USAGE, specInput } from '../teacher-flags';

export const pseudoLabelCommand: Command = {
  usage:
    `pseudo-label <dir> --teacher MODEL_ID|FILE.onnx [--temperature T] [--split unlabeled] ${ONNX_FILE_USAGE} [--score-threshold P --iou-threshold P (detectors)]`,
  options: {
    teacher: { type: 'string' }, temperature: { type: 'string' }, split: { type: 'string' },
    ...ONNX_FILE_OPTIONS,
    'score-threshold': { type: 'string' }, 'iou-threshold': { type: 'string' },
  },
  positionals: 1,
  openProject: true,
  async run({ service, values, out }) {
    if (typeof values.teacher !== 'string') throw new UsageError('pseudo-label needs --teacher');
    const temperature = values.temperature === undefined ? 2 : Number(values.temperature);
    if (!(temperature > 0)) throw new UsageError('--temperature must be a positive number');
    const split = requireChoice('split', values.split ?? 'unlabeled', ['train', 'val', 'test', 'unlabeled'] as const);
    const teacher = modelRef(values.teacher);
    const r = (await runJob(
      service,
      () => service.invoke('jobs.start', { kind: 'pseudo-label', input: { teacher, temperature, split, ...specInput(values) } }),
      out,
    )) as PseudoLabelResult;
    out.result({ labeled: r.labeled, skipped: r.skipped, errors: r.errors, round: r.round, ...(r.boxes !== undefined ? { boxes: r.boxes } : {}), ...(r.adoptedClasses ? { adoptedClasses: r.adoptedClasses } : {}) }, () => [
      ...(r.adoptedClasses ? [`The project had no classes: it took the teacher's (${r.adoptedClasses.join(', ')})`] : []),
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
      // The exact name first ("Dog" and "dog" may both be classes), else the one that differs only by case.
      const all = await service.invoke('classes.list', {});
      const wanted = values.class;
      const cls = all.find((c) => c.name === wanted) ?? all.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
      if (!cls) throw new UsageError(`there is no class "${values.class}"`);
      classId = cls.id;
    }
    const mode = above !== undefined ? 'accept-above' : 'reject-below';
    const { changed } = await service.invoke('review.bulk', { mode, threshold, ...(classId !== undefined ? { classId } : {}), dryRun: values['dry-run'] === true });
    const result = mode === 'accept-above' ? { accepted: changed, rejected: 0 } : { accepted: 0, rejected: changed };
    out.result(result, () => [`${values['dry-run'] ? 'Would have ' : ''}${mode === 'accept-above' ? 'accepted' : 'rejected'} ${changed} pending pseudo-labels`]);
  },
};
