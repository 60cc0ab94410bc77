/**
 * The box student's training run as the Train view shows it: phase, progress, and per epoch the
 * training loss and the validation mAP@0.5 (the detector's progress events carry them at the end
 * of each epoch), then its result or error. One run at a time: the latest detector job.
 */
import type { JobDone, JobProgress, TrainResult } from '../../src/api/types';
import { api, ignore } from '../api';
import { createStore } from './store';

export interface DetectorEpochPoint {
  epoch: number;
  loss: number;
  valMap: number;
}

export interface DetectorRun {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  phase: string;
  step: number;
  total: number;
  epochs: number | null;
  points: DetectorEpochPoint[];
  result: TrainResult | null;
  error: string | null;
}

export const detectorRun = createStore<DetectorRun | null>(null);

function onProgress(p: JobProgress): void {
  if (p.kind !== 'train-detector') return;
  const prev = detectorRun.get();
  const run: DetectorRun =
    prev && prev.jobId === p.jobId
      ? { ...prev }
      : { jobId: p.jobId, state: 'running', phase: p.phase, step: 0, total: 0, epochs: null, points: [], result: null, error: null };
  run.phase = p.phase;
  run.step = p.step;
  run.total = p.total;
  const m = p.metrics ?? {};
  if (m.valMap !== undefined && m.epoch !== undefined && m.loss !== undefined) {
    run.points = [...run.points.filter((q) => q.epoch !== m.epoch), { epoch: m.epoch, loss: m.loss, valMap: m.valMap }].sort((a, b) => a.epoch - b.epoch);
  }
  // Steps count batches over all epochs; at an epoch's end step = epoch × batches, so total × epoch / step = epochs.
  if (m.valMap !== undefined && m.epoch !== undefined && p.step > 0) run.epochs = Math.round((p.total * m.epoch) / p.step);
  detectorRun.set(run);
}

function onDone(d: JobDone): void {
  if (d.kind !== 'train-detector') return;
  const prev = detectorRun.get();
  const base = prev && prev.jobId === d.jobId ? prev : { jobId: d.jobId, phase: '', step: 0, total: 0, epochs: null, points: [], result: null, error: null };
  detectorRun.set({
    ...base,
    state: d.state === 'done' ? 'done' : d.state === 'cancelled' ? 'cancelled' : 'failed',
    result: d.state === 'done' ? ((d.result as TrainResult | undefined) ?? null) : null,
    error: d.error?.message ?? null,
  });
  // Progress events are throttled, so an epoch may not have reached us: the model has them all.
  const modelId = d.state === 'done' ? (d.result as TrainResult | undefined)?.modelId : undefined;
  if (modelId) {
    api
      .invoke('models.get', { id: modelId })
      .then((m) => {
        const run = detectorRun.get();
        if (run?.jobId !== d.jobId || !m.history.length) return;
        detectorRun.set({ ...run, epochs: m.history.length, points: m.history.map((h) => ({ epoch: h.epoch, loss: h.loss, valMap: h.valAccuracy ?? h.accuracy })) });
      })
      .catch(ignore);
  }
}

let started = false;
/** Follows detector jobs for the lifetime of the page. */
export function startDetectorRunSync(): void {
  if (started) return;
  started = true;
  api.on('jobProgress', onProgress);
  api.on('jobDone', onDone);
}
