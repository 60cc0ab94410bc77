/**
 * Model exports started from the Models view, by model: running, or how they ended (the written
 * path and the parity check against the model). Kept here so a result survives leaving the view.
 */
import type { JobDone } from '../../src/api/types';
import { api, ignore } from '../api';
import { trackJob } from './jobs';
import { createStore } from './store';

export interface ExportOutcome {
  out: string;
  format: 'onnx' | 'tfjs';
  verified: boolean;
  maxAbsDiff: number | null;
  top1Agreement: number | null;
  files: string[];
}

export interface ExportState {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  result: ExportOutcome | null;
  error: string | null;
}

export const exportsByModel = createStore<Record<string, ExportState>>({});

function settle(d: Pick<JobDone, 'jobId' | 'state' | 'result' | 'error'>): void {
  exportsByModel.set((all) => {
    const entry = Object.entries(all).find(([, e]) => e.jobId === d.jobId);
    if (!entry || entry[1].state !== 'running') return all;
    const [model, e] = entry;
    return { ...all, [model]: { ...e, state: d.state, result: d.state === 'done' ? ((d.result as ExportOutcome | undefined) ?? null) : null, error: d.error?.message ?? null } };
  });
}

let syncing = false;
function sync(): void {
  if (syncing) return;
  syncing = true;
  api.on('jobDone', (d) => {
    if (d.kind === 'export-model') settle(d);
  });
}

export async function startExport(model: string, input: { format: 'onnx' | 'tfjs'; out: string; baked: boolean }): Promise<void> {
  sync();
  const { jobId } = await api.invoke('jobs.start', {
    kind: 'export-model',
    input: { model, format: input.format, out: input.out, verify: true, ...(input.format === 'onnx' ? { baked: input.baked } : {}) },
  });
  trackJob(jobId, 'export-model');
  exportsByModel.set((all) => ({ ...all, [model]: { jobId, state: 'running', result: null, error: null } }));
  // It may have ended before its id came back, or while events were missed.
  const poll = () =>
    api
      .invoke('jobs.get', { jobId })
      .then((info) => {
        if (info.state === 'done' || info.state === 'failed' || info.state === 'cancelled') {
          settle({ jobId, state: info.state, result: info.result, ...(info.error ? { error: info.error } : {}) });
        } else if (Object.values(exportsByModel.get()).some((e) => e.jobId === jobId && e.state === 'running')) {
          setTimeout(poll, 3000);
        }
      })
      .catch(ignore);
  setTimeout(poll, 500);
}

export function resetExports(): void {
  exportsByModel.set({});
}
