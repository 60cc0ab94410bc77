/**
 * Data-parallel training across CPU cores for the wasm backend (worker_threads replicas).
 * See data-parallel.ts for how a step is split and why the result equals single-engine training.
 *
 *   const backend = await selectTrainingBackend();          // ../backend, once per thread
 *   const dp = await DataParallelGradients.create(model, { replicas: backend.replicas, loss });
 *   for (const [x, y] of batches) {
 *     const { loss, grads } = await dp.computeGradients(x, y);  // mean over the whole batch
 *     optimizer.applyGradients(grads);
 *     tf.dispose(Object.values(grads));
 *   }
 *   await dp.dispose();                                     // ends the worker threads
 *
 * With replicas = 1 (native backends) no worker is started and the same code trains on one engine.
 */
export {
  DataParallelGradients,
  sliceBatch,
  type DataParallelOptions,
  type ParallelGradients,
} from './data-parallel.js';
export { softmaxCrossEntropy, resolveLoss, type LossFn, type LossSpec } from './loss.js';
export {
  computeLocalGradients,
  trainableVariables,
  weightsByName,
  type LayerVariable,
  type LocalGradients,
} from './local-gradients.js';
export { prewarmReplicaWorkers, releaseWarmReplicaWorkers } from './spawn-worker.js';
