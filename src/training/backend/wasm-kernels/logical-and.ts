/**
 * LogicalAnd of two bool tensors of the same size for the wasm backend: one SIMD `and` of sixteen
 * bytes at a time (bools are 0/1 bytes on the wasm heap; ../simd/elementwise-simd.ts). It combines
 * the two comparisons of every ReLU6 gradient. Broadcasting goes to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { elementwiseSimd } from '../simd/elementwise-simd.js';
import { type BackendWasm, type TensorInfo, heapOffset, originalKernel } from '../wasm-internals.js';
import { binaryLayout } from './binary-layout.js';

function logicalAnd(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo {
  const { backend } = args;
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  const plan = a.dtype === 'bool' && b.dtype === 'bool' ? binaryLayout(a.shape, b.shape) : null;
  const simd = plan?.layout === 'ff' ? elementwiseSimd(backend) : null;
  if (!plan || !simd) return originalKernel(tf.LogicalAnd)!(args) as TensorInfo;
  const out = backend.makeOutput(plan.outShape, 'bool');
  const n = tf.util.sizeFromShape(plan.outShape);
  if (n === 0) return out;
  const vector = n - (n % 16);
  if (vector > 0) simd.logicalAnd(heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), vector);
  if (vector < n) {
    const av = backend.typedArrayFromHeap(a as tf.Tensor) as Uint8Array;
    const bv = backend.typedArrayFromHeap(b as tf.Tensor) as Uint8Array;
    const ov = backend.typedArrayFromHeap(out as tf.Tensor) as Uint8Array;
    for (let i = vector; i < n; i++) ov[i] = av[i]! & bv[i]!;
  }
  return out;
}

export const logicalAndConfig: tf.KernelConfig = {
  kernelName: tf.LogicalAnd,
  backendName: 'wasm',
  kernelFunc: logicalAnd as unknown as tf.KernelFunc,
};
