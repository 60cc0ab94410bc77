/**
 * Long jobs the studio started or heard about: progress from `jobProgress` events, the end from
 * `jobDone`. A slow poll of `jobs.get` covers events missed while the event stream reconnected.
 */
import type { ImportResult, JobDone, JobProgress, TrainResult } from '../../src/api/types';
import { api, ignore } from '../api';
import { bumpData, refreshClasses, refreshStats } from './project';
import { showError, showToast } from './toasts';
import { createStore } from './store';

export interface ActiveJob {
  jobId: string;
  kind: string;
  progress: JobProgress | null;
  cancelling: boolean;
}

export const jobs = createStore<ActiveJob[]>([]);
const finished = new Set<string>();

function upsert(jobId: string, patch: Partial<ActiveJob> & { kind: string }): void {
  if (finished.has(jobId)) return;
  jobs.set((list) => {
    const i = list.findIndex((j) => j.jobId === jobId);
    if (i < 0) return [...list, { jobId, progress: null, cancelling: false, ...patch }];
    const next = list.slice();
    next[i] = { ...list[i]!, ...patch };
    return next;
  });
}

function finish(done: JobDone): void {
  if (finished.has(done.jobId)) return;
  finished.add(done.jobId);
  jobs.set((list) => list.filter((j) => j.jobId !== done.jobId));
  refreshStats().catch(ignore);
  // An ImageFolder import may have created classes.
  if (done.kind === 'import') refreshClasses().catch(ignore);
  bumpData();
  const what = done.kind === 'train' ? 'Training' : done.kind.charAt(0).toUpperCase() + done.kind.slice(1);
  if (done.state === 'cancelled') {
    showToast('info', `${what} cancelled.`);
  } else if (done.state === 'failed') {
    showError(done.error?.message ?? `${what} failed.`);
  } else if (done.kind === 'import') {
    summarizeImport(done.result as ImportResult | undefined);
  } else if (done.kind === 'train' && done.result) {
    const r = done.result as TrainResult;
    showToast('success', `Training finished: ${(r.metrics.accuracy * 100).toFixed(1)}% ${r.metrics.split} accuracy.`);
  } else {
    showToast('success', `${what} finished.`);
  }
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
}

export function summarizeImport(r: ImportResult | undefined): void {
  if (!r) {
    showToast('success', 'Import finished.');
    return;
  }
  const parts = [`Imported ${plural(r.imported, 'image')}`];
  if (r.duplicates) parts.push(`${plural(r.duplicates, 'duplicate')} skipped`);
  if (r.errors.length) parts.push(`${plural(r.errors.length, 'file')} could not be read`);
  showToast(r.errors.length ? 'error' : 'success', parts.join(', ') + '.', r.errors.length ? r.errors : undefined);
}

export async function startImport(paths: string[]): Promise<void> {
  const { jobId } = await api.invoke('jobs.start', { kind: 'import', input: { paths, format: 'auto', split: 'auto' } });
  upsert(jobId, { kind: 'import' });
}

export async function cancelJob(jobId: string): Promise<void> {
  upsert(jobId, { kind: jobs.get().find((j) => j.jobId === jobId)?.kind ?? 'job', cancelling: true });
  await api.invoke('jobs.cancel', { jobId });
}

let started = false;
export function startJobSync(): void {
  if (started) return;
  started = true;
  let lastRefresh = 0;
  api.on('jobProgress', (p) => {
    upsert(p.jobId, { kind: p.kind, progress: p });
    // Imported images show up while the import runs, not only at its end.
    if (p.kind === 'import' && Date.now() - lastRefresh > 1500) {
      lastRefresh = Date.now();
      refreshStats().catch(ignore);
      bumpData();
    }
  });
  api.on('jobDone', finish);
  setInterval(() => {
    for (const j of jobs.get()) {
      api
        .invoke('jobs.get', { jobId: j.jobId })
        .then((info) => {
          if (info.state === 'done' || info.state === 'failed' || info.state === 'cancelled') {
            finish({
              jobId: info.id,
              kind: info.kind,
              state: info.state,
              result: info.result,
              ...(info.error ? { error: info.error } : {}),
            });
          }
        })
        .catch(ignore);
    }
  }, 4000);
}
