import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, isErrorCode } from '../../api/errors';
import type { JobContext } from '../../jobs/types';
import type { FromWorker, ToWorker, WorkerTask } from './protocol';
import type { NewModel } from '../../store';
import type { RunOutcome } from './run-training';
import type { evaluateModel, predictImages } from './predict-model';
import type { Detections } from '../../inference';

/**
 * Start the engine worker. From TypeScript sources (tsx, vitest) the entry is worker-entry.ts
 * started with tsx's loader; from the Electron bundle it is engine-worker.js beside the bundle.
 */
function spawnEngineWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './worker-entry.ts' : './engine-worker.js', import.meta.url);
  const execArgv = fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return new Worker(url, { execArgv });
}

/** Run one engine task in a worker thread; progress and cancel go through the job context. */
export function runInWorker<T>(task: WorkerTask, ctx: JobContext): Promise<T> {
  const startedAt = Date.now();
  const worker = spawnEngineWorker();
  // The job's scope waits for the thread to be gone before the job's end is recorded (the
  // worker has the project's database open).
  ctx.scope?.adopt(() => worker.terminate());
  const send = (m: ToWorker) => worker.postMessage(m);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = () => send({ type: 'cancel' });
    ctx.signal.addEventListener('abort', onAbort);
    worker.on('message', (m: FromWorker) => {
      if (settled) return; // the worker is being terminated; its last words are not news
      if (m.type === 'progress') ctx.onProgress(m.update);
      else if (m.type === 'done') finish(() => resolve(m.result as T));
      else {
        const code = isErrorCode(m.code) ? m.code : 'INTERNAL';
        finish(() => reject(code === 'INTERNAL' ? new Error(m.message) : new AppError(code, m.message, m.details)));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the engine worker stopped unexpectedly (exit code ${code})`))));
    send({ type: 'start', startedAt, ...task });
  });
}

export const trainInWorker = (args: Omit<Extract<WorkerTask, { task: 'train' }>, 'task'>, ctx: JobContext) =>
  runInWorker<RunOutcome>({ task: 'train', ...args }, ctx);
export const evaluateInWorker = (args: Omit<Extract<WorkerTask, { task: 'evaluate' }>, 'task'>, ctx: JobContext) =>
  runInWorker<Awaited<ReturnType<typeof evaluateModel>>>({ task: 'evaluate', ...args }, ctx);
export const predictInWorker = (args: Omit<Extract<WorkerTask, { task: 'predict' }>, 'task'>, ctx: JobContext) =>
  runInWorker<Awaited<ReturnType<typeof predictImages>>>({ task: 'predict', ...args }, ctx);
export const exportInWorker = (args: Omit<Extract<WorkerTask, { task: 'export-model' }>, 'task'>, ctx: JobContext) =>
  runInWorker<{ out: string; format: string; verified: boolean; maxAbsDiff: number | null; top1Agreement: number | null; files: string[] }>({ task: 'export-model', ...args }, ctx);
export const detectInWorker = (args: Omit<Extract<WorkerTask, { task: 'detect' }>, 'task'>, ctx: JobContext) =>
  runInWorker<Detections>({ task: 'detect', ...args }, ctx);
export const importTeacherInWorker = (args: Omit<Extract<WorkerTask, { task: 'import-teacher' }>, 'task'>, ctx: JobContext) =>
  runInWorker<NewModel>({ task: 'import-teacher', ...args }, ctx);
