/**
 * Data-parallel training across CPU cores for the wasm backend (worker_threads replicas).
 * See data-parallel.ts for how a step is split and why the result equals single-engine training.
 */
export {
  DataParallelGradients,
  sliceBatch,
  type DataParallelOptions,
  type ParallelGradients,
} from './data-parallel.js';
export { softmaxCrossEntropy, resolveLoss, type LossFn, type LossSpec } from './loss.js';
export { computeLocalGradients, trainableVariables, type LocalGradients } from './local-gradients.js';
