/**
 * The training run the Train view shows: what was asked, live progress from `jobProgress` (the
 * backend line, epoch metrics for the curves, the running batch loss), and how it ended. A train
 * job started elsewhere (the CLI, before a reload) is adopted when its first event arrives.
 */
import type { MethodInput } from '../../src/api/methods';
import type { JobInfo, JobProgress, TrainResult } from '../../src/api/types';
import { api, ignore } from '../api';
import { cancelJob } from './jobs';
import { createStore } from './store';

export type TrainInput = Extract<MethodInput<'jobs.start'>, { kind: 'train' }>['input'];

export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface LossSample {
  /** Fractional epoch: 2.5 is halfway through the third epoch. */
  x: number;
  loss: number;
}

export interface TrainError {
  code: string;
  message: string;
  details?: unknown;
}

export interface TrainRun {
  jobId: string | null;
  state: 'starting' | 'running' | 'done' | 'failed' | 'cancelled';
  cancelling: boolean;
  /** What was asked; null for a run adopted from elsewhere. */
  input: TrainInput | null;
  phase: string;
  step: number;
  total: number;
  /** The last line for people, e.g. "Training small-cnn on WebAssembly (SIMD) …". */
  message: string | null;
  epoch: number | null;
  epochs: number | null;
  imagesPerSecond: number | null;
  etaS: number | null;
  points: EpochPoint[];
  batchLoss: LossSample[];
  result: TrainResult | null;
  error: TrainError | null;
  /** The run to resume after a cancel. */
  runId: string | null;
  lastEventAt: number;
}

export const trainRun = createStore<TrainRun | null>(null);

const MAX_LOSS_SAMPLES = 1500;

function update(patch: (r: TrainRun) => Partial<TrainRun>): void {
  trainRun.set((r) => (r ? { ...r, ...patch(r) } : r));
}

function newRun(input: TrainInput | null, jobId: string | null, keep?: TrainRun | null): TrainRun {
  return {
    jobId,
    state: jobId ? 'running' : 'starting',
    cancelling: false,
    input,
    phase: 'starting',
    step: 0,
    total: 0,
    message: keep?.message ?? null,
    epoch: null,
    // The schema's default is 10 epochs.
    epochs: input ? (input.epochs ?? 10) : null,
    imagesPerSecond: null,
    etaS: null,
    // A resumed run continues the same curves.
    points: keep?.points ?? [],
    batchLoss: keep?.batchLoss ?? [],
    result: null,
    error: null,
    runId: keep?.runId ?? null,
    lastEventAt: Date.now(),
  };
}

function upsertPoint(points: EpochPoint[], p: EpochPoint): EpochPoint[] {
  const next = points.filter((q) => q.epoch !== p.epoch);
  next.push(p);
  return next.sort((a, b) => a.epoch - b.epoch);
}

/** Keeps the batch-loss series small: past the cap, every other sample goes. */
function appendSample(list: LossSample[], s: LossSample): LossSample[] {
  // A resumed run replays from its checkpoint: drop samples past the new position.
  const kept = list.length && list[list.length - 1]!.x > s.x ? list.filter((q) => q.x < s.x) : list;
  const next = [...kept, s];
  return next.length > MAX_LOSS_SAMPLES ? next.filter((_, i) => i % 2 === 0 || i === next.length - 1) : next;
}

function onProgress(p: JobProgress): void {
  if (p.kind !== 'train') return;
  const r = trainRun.get();
  const ours = r && (r.jobId === p.jobId || (r.jobId === null && r.state === 'starting'));
  if (!ours) {
    // Someone else's run (or ours from before a reload): show it.
    if (r && (r.state === 'running' || r.state === 'starting')) return;
    trainRun.set(newRun(null, p.jobId));
  }
  const m = p.metrics ?? {};
  update((run) => {
    const patch: Partial<TrainRun> = {
      jobId: p.jobId,
      state: run.state === 'starting' ? 'running' : run.state,
      phase: p.phase,
      step: p.step,
      total: p.total,
      etaS: p.etaS ?? null,
      lastEventAt: Date.now(),
    };
    if (p.message) patch.message = p.message;
    if (m.imagesPerSecond !== undefined) patch.imagesPerSecond = m.imagesPerSecond;
    if (p.phase === 'epoch' && m.epoch !== undefined && m.loss !== undefined) {
      patch.epoch = m.epoch;
      patch.epochs = p.total;
      patch.points = upsertPoint(run.points, {
        epoch: m.epoch,
        loss: m.loss,
        accuracy: m.accuracy ?? NaN,
        ...(m.valLoss !== undefined ? { valLoss: m.valLoss } : {}),
        ...(m.valAccuracy !== undefined ? { valAccuracy: m.valAccuracy } : {}),
      });
    } else if (p.phase === 'training' && p.total > 0 && p.step > 0 && m.loss !== undefined) {
      const epochs = run.epochs ?? run.input?.epochs ?? null;
      if (m.epoch !== undefined) patch.epoch = m.epoch;
      if (epochs) {
        const perEpoch = p.total / epochs;
        patch.batchLoss = appendSample(run.batchLoss, { x: p.step / perEpoch, loss: m.loss });
      }
    }
    return patch;
  });
}

/** The run id a cancelled training says to resume with: from the error details, else its message. */
export function runIdOf(error: TrainError | null | undefined): string | null {
  if (!error) return null;
  const d = error.details as { runId?: unknown } | undefined;
  if (d && typeof d.runId === 'string') return d.runId;
  const m = /--resume\s+(\S+?)[.,;]?(\s|$)/.exec(error.message);
  return m ? m[1]! : null;
}

function onDone(done: { jobId: string; kind: string; state: string; result?: unknown; error?: TrainError }): void {
  if (done.kind !== 'train') return;
  const r = trainRun.get();
  if (!r || r.jobId !== done.jobId || (r.state !== 'running' && r.state !== 'starting')) return;
  const state = done.state === 'done' ? 'done' : done.state === 'cancelled' ? 'cancelled' : 'failed';
  const result = state === 'done' ? ((done.result as TrainResult | undefined) ?? null) : null;
  update(() => ({
    state,
    cancelling: false,
    etaS: null,
    result,
    error: done.error ?? null,
    runId: runIdOf(done.error),
  }));
  // Progress is throttled, so some epochs may not have reached us: the model has them all.
  if (result) {
    api
      .invoke('models.get', { id: result.modelId })
      .then((m) => {
        if (trainRun.get()?.jobId !== done.jobId || m.history.length === 0) return;
        update(() => ({
          points: m.history.map((h) => ({ epoch: h.epoch, loss: h.loss, accuracy: h.accuracy, valLoss: h.valLoss, valAccuracy: h.valAccuracy })),
        }));
      })
      .catch(ignore);
  }
}

function fromJobInfo(info: JobInfo): void {
  if (info.state === 'done' || info.state === 'failed' || info.state === 'cancelled') {
    onDone({ jobId: info.id, kind: info.kind, state: info.state, result: info.result, ...(info.error ? { error: info.error } : {}) });
  }
}

/** Starts a training job. Resolves with the job id; a refused input rejects (and was toasted). */
export async function startTraining(input: TrainInput): Promise<string> {
  const prev = trainRun.get();
  const resuming = Boolean(input.resume) && prev?.runId === input.resume;
  trainRun.set(newRun(input, null, resuming ? prev : null));
  try {
    const { jobId } = await api.invoke('jobs.start', { kind: 'train', input });
    update((r) => ({ jobId, state: r.state === 'starting' ? 'running' : r.state }));
    // The job may have ended before its id came back.
    api.invoke('jobs.get', { jobId }).then(fromJobInfo, ignore);
    return jobId;
  } catch (err) {
    trainRun.set(prev);
    throw err;
  }
}

/** One image of the project (a labeled one if any) augmented as training would see it: a PNG data URL, or null without images. */
export async function augmentPreview(augment: string, seed: number): Promise<string | null> {
  const page = await api.invoke('images.list', { limit: 1, labeled: true });
  const first = page.items[0] ?? (await api.invoke('images.list', { limit: 1 })).items[0];
  if (!first) return null;
  return (await api.invoke('training.augmentPreview', { imageId: first.id, augment, seed })).png;
}

export async function cancelTraining(): Promise<void> {
  const r = trainRun.get();
  if (!r?.jobId || r.state !== 'running') return;
  update(() => ({ cancelling: true }));
  await cancelJob(r.jobId);
}

export function resetTraining(): void {
  trainRun.set(null);
}

/** After opening a project: show a training run that is already going. */
export async function adoptRunningTraining(): Promise<void> {
  const list = await api.invoke('jobs.list', { limit: 20 });
  const running = list.find((j) => j.kind === 'train' && (j.state === 'running' || j.state === 'queued'));
  if (!running || trainRun.get()) return;
  trainRun.set(newRun(null, running.id));
  if (running.progress) onProgress(running.progress);
}

let started = false;
export function startTrainingSync(): void {
  if (started) return;
  started = true;
  api.on('jobProgress', onProgress);
  api.on('jobDone', onDone);
  // Events missed while the event stream reconnected: ask now and then.
  setInterval(() => {
    const r = trainRun.get();
    if (!r?.jobId || r.state !== 'running' || Date.now() - r.lastEventAt < 4000) return;
    api.invoke('jobs.get', { jobId: r.jobId }).then(fromJobInfo, ignore);
  }, 4000);
}
