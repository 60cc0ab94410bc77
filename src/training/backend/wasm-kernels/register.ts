/**
 * Installs our kernel implementations over (or next to) the wasm backend's own.
 *
 * The original registration is captured first (see wasm-internals.ts) so a replacement can hand
 * shapes it does not cover back to it. Installing twice is a no-op, so every thread that uses the
 * wasm backend can simply call `installWasmTrainingKernels()` once.
 */
import * as tf from '@tensorflow/tfjs';
import { captureOriginalKernel } from '../wasm-internals.js';

export function overrideWasmKernel(config: tf.KernelConfig): void {
  captureOriginalKernel(config.kernelName);
  if (tf.getKernel(config.kernelName, 'wasm')) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({ ...config, backendName: 'wasm' });
}
