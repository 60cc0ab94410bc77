/**
 * Identity for the wasm backend without a copy.
 *
 * The 4.22 wasm kernel copies the whole tensor; tfjs tensors are immutable and their data is
 * reference-counted, so sharing the data (as the 'cpu' backend and the wasm Reshape kernel do) is
 * equivalent and free. Gradients call Identity (and same-dtype Cast, see cast.ts) on every
 * activation, a few MB per step on the small CNN. String tensors go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendWasm, type TensorInfo, originalKernel } from '../wasm-internals.js';

function identity(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return originalKernel(tf.Identity)!(args) as TensorInfo;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: tf.KernelConfig = {
  kernelName: tf.Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as tf.KernelFunc,
};
