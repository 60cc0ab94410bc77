/**
 * Training backends: choose the fastest tfjs backend available and make the wasm one trainable.
 *
 *   const backend = await selectTrainingBackend();   // once per thread, before building models
 *   log.info(`training on ${backend.name}`);
 *
 * `installWasmTrainingKernels()` is called by the selection; it is exported for threads that set
 * the wasm backend up themselves (tests, benchmarks).
 */
export {
  selectTrainingBackend,
  type SelectBackendOptions,
  type TrainingBackendInfo,
  type TrainingBackendKind,
} from './select.js';
export { installWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-kernels/index.js';
export { locateWasmDir } from './wasm-files.js';
