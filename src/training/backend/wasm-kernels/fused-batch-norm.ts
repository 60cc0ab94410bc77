/**
 * FusedBatchNorm (inference and training-mode normalisation) for the wasm backend when mean,
 * variance, scale and offset are per-channel vectors over the last axis and the channel count is
 * a multiple of 4: out = (x - mean) * (scale / sqrt(variance + eps)) + offset, with the factor
 * computed once per channel and the pass done four channels per instruction
 * (../simd/elementwise-simd.ts). The 4.22 kernel was ~10% of a MobileNetV2 step (28 batch
 * norms, each at least twice per step). Results differ from the 'cpu' backend (which divides by
 * the square root for every element, in float64) by float32 rounding only. Missing scale or
 * offset, broadcasting vectors and other dtypes go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { elementwiseSimd } from '../simd/elementwise-simd.js';
import { type BackendWasm, type TensorInfo, dispose, heapF32, heapOffset, originalKernel } from '../wasm-internals.js';

function fusedBatchNorm(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo {
  const { backend } = args;
  const { varianceEpsilon } = args.attrs as unknown as tf.FusedBatchNormAttrs;
  const { x, mean, variance, scale, offset } = args.inputs as Record<string, TensorInfo | undefined>;
  const channels = x?.shape[x.shape.length - 1] ?? 0;
  const vectors = [mean, variance, scale, offset];
  const ok = x !== undefined && x.dtype === 'float32' && x.shape.length >= 1 && channels % 4 === 0 && channels > 0 &&
    vectors.every((v) => v !== undefined && v.dtype === 'float32' && tf.util.sizeFromShape(v.shape) === channels &&
      v.shape[v.shape.length - 1] === channels);
  const simd = ok ? elementwiseSimd(backend) : null;
  if (!simd) return originalKernel(tf.FusedBatchNorm)!(args) as TensorInfo;
  const out = backend.makeOutput(x!.shape, 'float32');
  const rows = tf.util.sizeFromShape(x!.shape) / channels;
  if (rows === 0) return out;
  const params = backend.makeOutput([3, channels], 'float32');
  // Views after the last allocation.
  const p = heapF32(backend, params);
  const [m, v, s, o] = vectors.map((t) => heapF32(backend, t!)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const eps = varianceEpsilon ?? 0.001;
  for (let c = 0; c < channels; c++) {
    p[c] = m[c]!;
    p[channels + c] = s[c]! / Math.sqrt(v[c]! + eps);
    p[2 * channels + c] = o[c]!;
  }
  simd.batchNorm(heapOffset(backend, x!), heapOffset(backend, params), heapOffset(backend, out), rows, channels);
  dispose(backend, params);
  return out;
}

export const fusedBatchNormConfig: tf.KernelConfig = {
  kernelName: tf.FusedBatchNorm,
  backendName: 'wasm',
  kernelFunc: fusedBatchNorm as unknown as tf.KernelFunc,
};
