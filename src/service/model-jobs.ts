import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { ModelMetrics, RoundInfo, TrainResult } from '../api/types';
import type { JobContext } from '../jobs/types';
import { pseudoLabel } from '../inference';
import * as store from '../store';
import { predictInWorker, projectInputSpec, trainInWorker, type RunOutcome, type TrainOptions } from '../training';
import type { ProjectSession } from './session';

/** Record a finished run as a model of the project. */
export function recordTrainedModel(db: Database.Database, o: RunOutcome): TrainResult {
  store.insertModel(db, {
    id: o.modelId,
    name: `${o.arch} ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    arch: o.arch,
    kind: 'trained',
    path: join('models', o.modelId),
    classes: o.classes,
    metrics: o.metrics,
    backend: o.backend,
    params: o.params,
    trainingSeconds: o.trainingSeconds,
    imagesPerSecond: o.imagesPerSecond,
    wallImagesPerSecond: o.wallImagesPerSecond,
    details: {
      history: o.history, confusion: o.confusion, misclassified: o.misclassified, options: o.options, search: o.search, input: o.input,
      ...(o.studentData ? { studentData: o.studentData } : {}),
      // A multi-label model (sigmoid per class): models.get reports it, the renderer shows no confusion matrix.
      ...(o.multiLabel ? { multiLabel: true } : {}),
    },
  });
  return { modelId: o.modelId, backend: o.backend, epochs: o.history.length, metrics: o.metrics, imagesPerSecond: o.imagesPerSecond, wallImagesPerSecond: o.wallImagesPerSecond, trainingSeconds: o.trainingSeconds, trainedImages: o.trainedImages, stoppedEarly: o.stoppedEarly };
}

/** One training run in the engine worker, recorded as a model. */
export async function trainJob(s: ProjectSession, options: TrainOptions, ctx: JobContext): Promise<TrainResult> {
  const input = await projectInputSpec(s.db, s.paths.dir);
  const o = await trainInWorker({ projectDir: s.paths.dir, databaseFile: s.paths.database, input, options }, ctx);
  return store.withWriteLock(s.db, () => recordTrainedModel(s.db, o));
}

export interface SelfTrainInput {
  teacher: string;
  rounds: number;
  acceptAbove: number;
  noise: string;
  train: Partial<TrainOptions>;
}

/**
 * Noisy-student self-training: each round the teacher pseudo-labels the unlabeled images, those
 * at or above the threshold are accepted without a person, and a student learns from the human
 * labels plus the accepted pseudo-labels by distillation, with noise (RandAugment, dropout). The
 * student is the next round's teacher.
 */
export async function selfTrainJob(
  s: ProjectSession,
  input: SelfTrainInput,
  baseOptions: TrainOptions,
  ctx: JobContext,
  author: string | null,
  changed: (what: 'models' | 'review') => void,
): Promise<{ rounds: { round: number; teacher: string; modelId: string; metrics: ModelMetrics; accepted: number }[] }> {
  const rounds: { round: number; teacher: string; modelId: string; metrics: ModelMetrics; accepted: number }[] = [];
  let teacher = input.teacher;
  store.getModel(s.db, teacher);
  for (let r = 0; r < input.rounds; r++) {
    const step = (phase: string) => (u: { step: number; total: number; metrics?: Record<string, number>; message?: string }) =>
      ctx.onProgress({ ...u, phase: `round ${r + 1}/${input.rounds}: ${phase}` });
    const temperature = baseOptions.temperature ?? 2;
    const labeled = await pseudoLabel(
      s.db,
      teacher,
      { teacher, temperature, split: 'unlabeled' },
      (imageIds, c) => predictInWorker({ projectDir: s.paths.dir, databaseFile: s.paths.database, model: teacher, split: null, imageIds }, c),
      { signal: ctx.signal, onProgress: step('pseudo-labeling'), ...(ctx.scope ? { scope: ctx.scope } : {}) },
      author,
    );
    if (ctx.signal.aborted) throw new AppError('CANCELLED', `Self-training was cancelled in round ${r + 1}.`);
    const { changed: accepted } = await store.withWriteLock(s.db, () => store.applyBulk(s.db, { mode: 'accept-above', threshold: input.acceptAbove, round: labeled.round }, author));
    changed('review');
    const options: TrainOptions = {
      ...baseOptions,
      teacher,
      augment: input.noise,
      dropout: Math.max(baseOptions.dropout, 0.3),
    };
    const result = await trainJob(s, options, { signal: ctx.signal, onProgress: (u) => step('training student')(u), ...(ctx.scope ? { scope: ctx.scope } : {}) });
    changed('models');
    rounds.push({ round: labeled.round, teacher, modelId: result.modelId, metrics: result.metrics, accepted });
    teacher = result.modelId;
  }
  return { rounds };
}

/** The rounds of the loop, side by side: who taught whom, on what, and how each did on the test split. */
export function listRounds(db: Database.Database): RoundInfo[] {
  const models = store.listModels(db);
  const details = new Map(models.map((m) => [m.id, store.getModel(db, m.id)]));
  const rows = store.pseudoTagRounds(db);
  const rounds = new Map<string, RoundInfo>();
  for (const r of rows) {
    const key = `${r.round}:${r.modelId}`;
    let info = rounds.get(key);
    if (!info) {
      const student = models.find((m) => (details.get(m.id)?.options as { teacher?: string } | undefined)?.teacher === r.modelId) ?? null;
      const studentDetail = student ? details.get(student.id) : undefined;
      const opts = (studentDetail?.options ?? {}) as { alpha?: number; temperature?: number | null };
      info = {
        round: r.round,
        teacherId: r.modelId,
        studentId: student?.id ?? null,
        pseudo: { pending: 0, accepted: 0, rejected: 0, corrected: 0 },
        data: (studentDetail as { studentData?: { human: number; pseudo: number } } | undefined)?.studentData ?? null,
        teacherAccuracy: models.find((m) => m.id === r.modelId)?.metrics?.accuracy ?? null,
        studentAccuracy: student?.metrics?.accuracy ?? null,
        alpha: student ? (opts.alpha ?? null) : null,
        // A student trained at the stored soft labels' temperature shows that temperature.
        temperature: student ? (opts.temperature ?? r.temperature ?? null) : null,
      };
      rounds.set(key, info);
    }
    info.pseudo[r.status] += r.n;
  }
  return [...rounds.values()];
}
