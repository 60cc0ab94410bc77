/**
 * Cast for the wasm backend that shares the data when the dtype does not change.
 *
 * The ReLU gradient is `dy * cast(step(x), 'float32')`, a float32-to-float32 cast the 4.22 wasm
 * kernel implements as a full copy. Like identity.ts we share the reference-counted data instead.
 * Real conversions go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendWasm, type TensorInfo, originalKernel } from '../wasm-internals.js';

function cast(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo {
  const x = args.inputs.x as TensorInfo;
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (dtype !== x.dtype || x.dtype === 'string') return originalKernel(tf.Cast)!(args) as TensorInfo;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const castConfig: tf.KernelConfig = {
  kernelName: tf.Cast,
  backendName: 'wasm',
  kernelFunc: cast as unknown as tf.KernelFunc,
};
