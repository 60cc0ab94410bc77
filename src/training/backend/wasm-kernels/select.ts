/**
 * Select (tf.where) for the wasm backend when the condition, t and e all have the same shape and
 * t, e are float32 or int32: one SIMD pass, the bool bytes widened to lane masks and blended
 * (../simd/elementwise-simd.ts). It is the last step of every ReLU6 gradient. A rank-1 condition
 * over the first axis, and other dtypes, go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { elementwiseSimd } from '../simd/elementwise-simd.js';
import { type BackendWasm, type TensorInfo, heapOffset, originalKernel } from '../wasm-internals.js';

function select(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo {
  const { backend } = args;
  const cond = args.inputs.condition as TensorInfo;
  const t = args.inputs.t as TensorInfo;
  const e = args.inputs.e as TensorInfo;
  const same = tf.util.arraysEqual(cond.shape, t.shape) && tf.util.arraysEqual(t.shape, e.shape);
  const ok = same && cond.dtype === 'bool' && t.dtype === e.dtype && (t.dtype === 'float32' || t.dtype === 'int32');
  const simd = ok ? elementwiseSimd(backend) : null;
  if (!simd) return originalKernel(tf.Select)!(args) as TensorInfo;
  const out = backend.makeOutput(t.shape, t.dtype);
  const n = tf.util.sizeFromShape(t.shape);
  if (n === 0) return out;
  const vector = n - (n % 16);
  if (vector > 0) simd.select(heapOffset(backend, cond), heapOffset(backend, t), heapOffset(backend, e), heapOffset(backend, out), vector);
  if (vector < n) {
    const cv = backend.typedArrayFromHeap(cond as tf.Tensor) as Uint8Array;
    const tv = backend.typedArrayFromHeap(t as tf.Tensor) as Float32Array | Int32Array;
    const ev = backend.typedArrayFromHeap(e as tf.Tensor) as Float32Array | Int32Array;
    const ov = backend.typedArrayFromHeap(out as tf.Tensor) as Float32Array | Int32Array;
    for (let i = vector; i < n; i++) ov[i] = cv[i] ? tv[i]! : ev[i]!;
  }
  return out;
}

export const selectConfig: tf.KernelConfig = {
  kernelName: tf.Select,
  backendName: 'wasm',
  kernelFunc: select as unknown as tf.KernelFunc,
};
