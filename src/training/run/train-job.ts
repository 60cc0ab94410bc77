import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, isErrorCode } from '../../api/errors';
import type { JobContext } from '../../jobs/types';
import type { InputSpec } from '../data/input-spec';
import type { TrainOptions } from './options';
import type { FromTrainer, ToTrainer } from './protocol';
import type { RunOutcome } from './run-training';

/**
 * Start the training worker. From TypeScript sources (tsx, vitest) the entry is worker-entry.ts
 * started with tsx's loader; from the Electron bundle it is train-worker.js beside the bundle.
 */
function spawnTrainer(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './worker-entry.ts' : './train-worker.js', import.meta.url);
  const execArgv = fromSource ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];
  return new Worker(url, { execArgv });
}

/** Run one training in a worker thread; progress and cancel go through the job context. */
export function trainInWorker(
  args: { projectDir: string; databaseFile: string; input: InputSpec; options: TrainOptions },
  ctx: JobContext,
): Promise<RunOutcome> {
  const worker = spawnTrainer();
  const send = (m: ToTrainer) => worker.postMessage(m);
  return new Promise<RunOutcome>((resolve, reject) => {
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
    worker.on('message', (m: FromTrainer) => {
      if (m.type === 'progress') ctx.onProgress(m.update);
      else if (m.type === 'done') finish(() => resolve(m.outcome));
      else {
        const code = isErrorCode(m.code) ? m.code : 'INTERNAL';
        finish(() => reject(code === 'INTERNAL' ? new Error(m.message) : new AppError(code, m.message, m.details)));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the training worker stopped unexpectedly (exit code ${code})`))));
    send({ type: 'start', ...args });
  });
}
