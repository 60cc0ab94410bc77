/**
 * The training worker: one training run in its own thread (its own tfjs engine, which in turn
 * starts the data-parallel replicas), so neither the Electron main process nor the web server ever
 * waits on a training step. It reads the project database read-only; the main thread records the
 * resulting model.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../api/errors';
import { openDatabase } from '../../store/open';
import { loadProjectData } from '../data/project-data';
import { runTraining } from './run-training';
import type { FromTrainer, ToTrainer } from './protocol';

if (!parentPort) throw new Error('the training worker must run in a worker thread');
const port = parentPort;
const controller = new AbortController();
const send = (m: FromTrainer) => port.postMessage(m);

port.on('message', (m: ToTrainer) => {
  if (m.type === 'cancel') controller.abort();
  else void run(m);
});

async function run(m: Extract<ToTrainer, { type: 'start' }>): Promise<void> {
  try {
    const db = openDatabase(m.databaseFile, { readonly: true });
    let data;
    try {
      data = await loadProjectData(db, m.projectDir, m.input, {
        signal: controller.signal,
        onProgress: (done, total) => send({ type: 'progress', update: { phase: 'loading images', step: done, total } }),
      });
    } finally {
      db.close();
    }
    const outcome = await runTraining(m.projectDir, data, m.input, m.options, {
      signal: controller.signal,
      onProgress: (update) => send({ type: 'progress', update }),
    });
    send({ type: 'done', outcome });
  } catch (err) {
    if (err instanceof AppError) send({ type: 'error', code: err.code, message: err.message, details: err.details });
    else if (controller.signal.aborted) send({ type: 'error', code: 'CANCELLED', message: 'Training was cancelled.' });
    else send({ type: 'error', code: 'INTERNAL', message: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
}
