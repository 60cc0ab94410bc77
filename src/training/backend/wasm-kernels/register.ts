/**
 * Installs our kernel implementations over (or next to) the wasm backend's own.
 *
 * The original registration is captured first (see wasm-internals.ts) so a replacement can hand
 * shapes it does not cover back to it, and its setup/dispose hooks are kept on the replacement: the
 * wasm backend binds each kernel's C++ entry point in `setupFunc` when it initialises, so the
 * delegation keeps working whether we install before or after the backend starts.
 */
import * as tf from '@tensorflow/tfjs';
import { captureOriginalKernel } from '../wasm-internals.js';

export function overrideWasmKernel(config: tf.KernelConfig): void {
  captureOriginalKernel(config.kernelName);
  const original = tf.getKernel(config.kernelName, 'wasm');
  if (original) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({
    ...config,
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    disposeFunc: original?.disposeFunc,
  });
}
