/**
 * The engine worker: one training, evaluation or prediction run in its own thread (its own tfjs
 * engine, which for training starts the data-parallel replicas), so neither the Electron main
 * process nor the web server ever waits on the model. It reads the project database read-only;
 * the main thread records what comes back.
 */
import { parentPort } from 'node:worker_threads';
import { AppError } from '../../api/errors';
import { openDatabase } from '../../store/open';
import { runTraining } from './run-training';
import { evaluateModel, predictImages } from './predict-model';
import { exportProjectModel } from './export-task';
import { detectImages } from './detect-model';
import { importOnnxTeacher } from '../../inference/onnx';
import { trainDetector } from '../detect/train';
import type { FromWorker, ToWorker, WorkerTask } from './protocol';

if (!parentPort) throw new Error('the engine worker must run in a worker thread');
const port = parentPort;
const controller = new AbortController();
const send = (m: FromWorker) => port.postMessage(m);
const progress = (phase: string) => (done: number, total: number) => send({ type: 'progress', update: { phase, step: done, total } });

port.on('message', (m: ToWorker) => {
  if (m.type === 'cancel') controller.abort();
  else void run(m);
});

async function perform(t: WorkerTask, startedAt: number): Promise<unknown> {
  const db = openDatabase(t.databaseFile, { readonly: true });
  const signal = controller.signal;
  try {
    switch (t.task) {
      case 'train':
        return await runTraining(db, t.projectDir, t.input, t.options, { signal, startedAt, onProgress: (update) => send({ type: 'progress', update }) });
      case 'evaluate':
        return await evaluateModel(db, t.projectDir, t.model, t.split, { signal });
      case 'export-model':
        return await exportProjectModel(db, t.projectDir, t, { signal, onProgress: (phase, step, total) => send({ type: 'progress', update: { phase, step, total } }) });
      case 'import-teacher':
        return await importOnnxTeacher(t.projectDir, t.file, t.flags);
      case 'detect':
        return await detectImages(db, t.projectDir, t.model, t.imageIds, t.thresholds, { signal, onProgress: progress('detecting') });
      case 'train-detector':
        return await trainDetector(db, t.projectDir, t.input, t.options, { signal, startedAt, onProgress: (update) => send({ type: 'progress', update }) });
      case 'predict':
        return await predictImages(db, t.projectDir, t.model, t.split, { signal, onProgress: progress('predicting'), ...(t.imageIds ? { imageIds: t.imageIds } : {}) });
    }
  } finally {
    db.close();
  }
}

async function run(m: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  try {
    send({ type: 'done', result: await perform(m, m.startedAt) });
  } catch (err) {
    if (err instanceof AppError) send({ type: 'error', code: err.code, message: err.message, details: err.details });
    else if (controller.signal.aborted) send({ type: 'error', code: 'CANCELLED', message: 'Cancelled.' });
    else send({ type: 'error', code: 'INTERNAL', message: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
  }
}
