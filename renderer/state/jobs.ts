/**
 * Long jobs the studio started or heard about: progress from `jobProgress` events, the end from
 * `jobDone`. A slow poll of `jobs.get` covers events missed while the event stream reconnected.
 */
import { useEffect, useState } from 'react';
import type { ImportResult, JobDone, JobProgress, PseudoLabelResult, TrainResult } from '../../src/api/types';
import type { MethodInput } from '../../src/api/methods';
import { jobKind, JOB_TITLES as JOB_TITLE_BY_KIND } from '../../src/api/job-kinds';
import { api, ignore } from '../api';
import { bumpData, refreshClasses, refreshStats } from './project';
import { showError, showToast } from './toasts';
import { createStore, useStore } from './store';

export interface ActiveJob {
  jobId: string;
  kind: string;
  progress: JobProgress | null;
  cancelling: boolean;
}

export const jobs = createStore<ActiveJob[]>([]);
const finished = new Set<string>();

/** Names of job kinds for people while they run: "Pseudo-labeling", "Exporting the model" (from the job kinds' descriptors). */
export const JOB_TITLES: Record<string, string> = JOB_TITLE_BY_KIND;

/** Shows a job the studio started in the progress list before its first event arrives. */
export function trackJob(jobId: string, kind: string): void {
  upsert(jobId, { kind });
}

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
  const what = jobKind(done.kind)?.noun ?? done.kind.charAt(0).toUpperCase() + done.kind.slice(1);
  if (done.state === 'cancelled') {
    showToast('info', `${what} cancelled.`);
  } else if (done.state === 'failed') {
    showError(done.error?.message ?? `${what} failed.`);
  } else if (done.kind === 'import') {
    summarizeImport(done.result as ImportResult | undefined);
  } else if (done.kind === 'pseudo-label' && done.result) {
    const r = done.result as PseudoLabelResult;
    const n = r.unmappedClasses.length;
    const extra = n ? ` The teacher's ${n === 1 ? 'class' : 'classes'} ${r.unmappedClasses.map((c) => `"${c}"`).join(', ')} ${n === 1 ? 'is' : 'are'} not mapped to a class of this project (ignored).` : '';
    const boxes = r.boxes !== undefined ? `, ${plural(r.boxes, 'box', 'boxes')}` : '';
    showToast('success', `Pseudo-labeled ${plural(r.labeled, 'image')}${boxes} in round ${r.round}${r.skipped ? ` (${r.skipped.toLocaleString()} already done)` : ''}.${extra}`);
  } else if (done.kind === 'self-train' && done.result) {
    const rounds = (done.result as { rounds?: { metrics?: { accuracy?: number } }[] }).rounds ?? [];
    const acc = rounds.at(-1)?.metrics?.accuracy;
    showToast('success', `Self-training finished: ${plural(rounds.length, 'round')}${acc !== undefined ? `, last student ${(acc * 100).toFixed(1)}% accuracy` : ''}.`);
  } else if (done.kind === 'export-model') {
    // The Models view shows the verification next to its Export button.
  } else if (done.kind === 'train-detector' && done.result) {
    const r = done.result as TrainResult;
    showToast('success', `Detector trained: ${(r.metrics.accuracy * 100).toFixed(1)}% ${r.metrics.split} mAP@0.5.`);
  } else if (done.kind === 'train' && done.result) {
    const r = done.result as TrainResult;
    showToast('success', `Training finished: ${(r.metrics.accuracy * 100).toFixed(1)}% ${r.metrics.split} accuracy.`);
  } else {
    showToast('success', `${what} finished.`);
  }
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? word : many}`;
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

/** Imports with the layout detected; `unlabeled` takes every image as unlabeled, whatever its folders say. */
export async function startImport(paths: string[], options: { unlabeled?: boolean } = {}): Promise<void> {
  const input = options.unlabeled ? { paths, format: 'folder' as const, split: 'unlabeled' as const } : { paths, format: 'auto' as const, split: 'auto' as const };
  const { jobId } = await api.invoke('jobs.start', { kind: 'import', input });
  upsert(jobId, { kind: 'import' });
}

/** Starts a job and shows it in the progress list; resolves with its id (a refused input rejects, and was toasted). */
export async function startJob(request: MethodInput<'jobs.start'>): Promise<string> {
  const { jobId } = await api.invoke('jobs.start', request);
  trackJob(jobId, request.kind);
  return jobId;
}

export interface JobEnd {
  state: 'done' | 'failed' | 'cancelled';
  result: unknown;
  error: string | null;
}

/** Follows one job a dialog started: its live progress, then how it ended (event, or a slow poll for a missed one). */
export function useJob(jobId: string | null): { progress: JobProgress | null; end: JobEnd | null } {
  const list = useStore(jobs);
  const [end, setEnd] = useState<JobEnd | null>(null);
  useEffect(() => {
    setEnd(null);
    if (!jobId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (d: { state: string; result?: unknown; error?: { message: string } | null }): boolean => {
      if (d.state !== 'done' && d.state !== 'failed' && d.state !== 'cancelled') return false;
      if (live) setEnd({ state: d.state, result: d.result, error: d.error?.message ?? null });
      live = false;
      return true;
    };
    const off = api.on('jobDone', (d) => {
      if (d.jobId === jobId) settle(d);
    });
    const poll = () =>
      api
        .invoke('jobs.get', { jobId })
        .then((info) => {
          if (!settle(info) && live) timer = setTimeout(poll, 2000);
        })
        .catch(ignore);
    timer = setTimeout(poll, 500);
    return () => {
      live = false;
      off();
      clearTimeout(timer);
    };
  }, [jobId]);
  return { progress: list.find((j) => j.jobId === jobId)?.progress ?? null, end };
}

/**
 * The one job a dialog starts: `start` asks for it (ignored while a request or the job runs; a refusal
 * was toasted), then its progress and end as `useJob` follows them.
 */
export function useDialogJob(): { busy: boolean; running: boolean; progress: JobProgress | null; end: JobEnd | null; start(request: MethodInput<'jobs.start'>): Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const { progress, end } = useJob(jobId);
  const running = jobId !== null && end === null;
  const start = async (request: MethodInput<'jobs.start'>) => {
    if (busy || running) return;
    setBusy(true);
    try {
      setJobId(await startJob(request));
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };
  return { busy, running, progress, end, start };
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
