import type { ModelMetrics } from '../../api/types';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';
import { teacherModel } from '../teacher-flags';
import { train, trainOptionsFromFlags } from './train';

export const selfTrain: Command = {
  usage: 'self-train <dir> --teacher MODEL_ID|FILE.onnx [--classes a,b,c ...] --rounds N [--accept-above P] [--noise AUGMENT_LIST] [train options]',
  options: { ...train.options, rounds: { type: 'string' }, 'accept-above': { type: 'string' }, noise: { type: 'string' } },
  positionals: 1,
  openProject: true,
  async run({ service, values, out }) {
    if (typeof values.teacher !== 'string') throw new UsageError('self-train needs --teacher');
    const rounds = Number(values.rounds ?? 2);
    if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new UsageError('--rounds must be a whole number from 1 to 10');
    const acceptAbove = values['accept-above'] === undefined ? 0.9 : Number(values['accept-above']);
    if (!(acceptAbove >= 0 && acceptAbove <= 1)) throw new UsageError('--accept-above must be a number from 0 to 1');
    const input = {
      teacher: await teacherModel(service, values.teacher, values),
      rounds,
      acceptAbove,
      ...(typeof values.noise === 'string' ? { noise: values.noise } : {}),
      train: trainOptionsFromFlags(values),
    };
    const r = (await runJob(service, () => service.invoke('jobs.start', { kind: 'self-train', input }), out)) as {
      rounds: { round: number; teacher: string; modelId: string; metrics: ModelMetrics; accepted: number }[];
      adoptedClasses?: string[];
    };
    out.result({ rounds: r.rounds.map((x) => ({ round: x.round, modelId: x.modelId, metrics: x.metrics, teacher: x.teacher, accepted: x.accepted })), ...(r.adoptedClasses ? { adoptedClasses: r.adoptedClasses } : {}) }, () => [
      ...(r.adoptedClasses ? [`The project had no classes: it took the teacher's (${r.adoptedClasses.join(', ')})`] : []),
      ...r.rounds.map((x) => `round ${x.round}: ${x.teacher} taught ${x.modelId} on ${x.accepted} accepted pseudo-labels: ${(x.metrics.accuracy * 100).toFixed(1)}% ${x.metrics.split} accuracy`),
    ]);
  },
};
