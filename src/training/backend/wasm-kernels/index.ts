/**
 * The kernels that make tfjs layers models train fast on the wasm backend, installed together.
 * Each file holds one kernel and says why it exists and which shapes it hands back to the original.
 */
import { adamStepConfig } from './adam-step.js';
import { addConfig, multiplyConfig, realDivConfig, subConfig } from './binary-arith.js';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { castConfig } from './cast.js';
import { greaterConfig, greaterEqualConfig, lessConfig, lessEqualConfig } from './compare.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import { fusedBatchNormConfig } from './fused-batch-norm.js';
import { identityConfig } from './identity.js';
import { logicalAndConfig } from './logical-and.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { meanConfig } from './mean.js';
import { overrideWasmKernel } from './register.js';
import { selectConfig } from './select.js';
import { sumConfig } from './sum.js';
import { tileConfig } from './tile.js';

export const WASM_TRAINING_KERNELS = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  batchMatMulConfig,
  maxPoolGradConfig,
  sumConfig,
  identityConfig,
  castConfig,
  depthwiseBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  adamStepConfig,
  tileConfig,
  meanConfig,
  addConfig,
  subConfig,
  multiplyConfig,
  realDivConfig,
  greaterEqualConfig,
  lessEqualConfig,
  greaterConfig,
  lessConfig,
  logicalAndConfig,
  selectConfig,
  fusedBatchNormConfig,
] as const;

let installed = false;

/**
 * Registers our wasm training kernels (idempotent; per thread, since each thread has its own tfjs).
 * Works before or after the wasm backend is initialised.
 */
export function installWasmTrainingKernels(): void {
  if (installed) return;
  for (const config of WASM_TRAINING_KERNELS) overrideWasmKernel(config);
  installed = true;
}
