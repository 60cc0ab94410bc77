/**
 * Sum over the leading axes for the wasm backend (the bias gradient of every conv and dense layer:
 * dy [N, H, W, C] summed to [C]), with float64 accumulators.
 *
 * The 4.22 wasm Sum transposes the reduced axes to the end and then reduces row by row, which for
 * a [N*H*W, C] column sum is more than ten times slower than walking the rows once. Any other
 * reduction (trailing or interior axes, non-float input) goes to the original kernel. With a
 * column count divisible by 4 the rows are summed by wasm SIMD in blocks of 64 rows
 * (../simd/column-block-sums.ts), and the block sums added in float64.
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernels } from '../simd/simd-kernels.js';
import { type BackendWasm, type TensorInfo, dispose, heapF32, heapOffset, originalKernel } from '../wasm-internals.js';

/** Rows per float32 block sum in the SIMD path; blocks are then added in float64. */
const BLOCK_ROWS = 64;

/**
 * The float32 tensor x summed over its `axes` leading axes, times `scale`, into a new tensor of
 * `outShape` (float64 accumulation; Mean uses it with scale = 1 / rows, see mean.ts).
 */
export function sumLeadingAxes(backend: BackendWasm, x: TensorInfo, axes: number, outShape: number[], scale = 1): TensorInfo {
  const rows = tf.util.sizeFromShape(x.shape.slice(0, axes));
  const cols = tf.util.sizeFromShape(x.shape.slice(axes));
  const outInfo = backend.makeOutput(outShape, 'float32');
  const acc = new Float64Array(cols);
  const simd = cols % 4 === 0 && rows > BLOCK_ROWS ? simdKernels(backend) : null;
  if (simd) {
    const blocks = Math.ceil(rows / BLOCK_ROWS);
    const partial = backend.makeOutput([blocks, cols], 'float32');
    simd.columnBlockSums(heapOffset(backend, x), heapOffset(backend, partial), rows, cols, BLOCK_ROWS);
    const ps = heapF32(backend, partial);
    for (let base = 0; base < blocks * cols; base += cols) {
      for (let j = 0; j < cols; j++) acc[j]! += ps[base + j]!;
    }
    dispose(backend, partial);
  } else {
    const xs = heapF32(backend, x);
    for (let r = 0, base = 0; r < rows; r++, base += cols) {
      for (let j = 0; j < cols; j++) acc[j]! += xs[base + j]!;
    }
  }
  if (scale !== 1) for (let j = 0; j < cols; j++) acc[j]! *= scale;
  heapF32(backend, outInfo).set(acc);
  return outInfo;
}

/** The axes of a reduction if they are the leading ones (not all of them), else null. */
export function leadingAxes(axis: number | number[], shape: number[]): number | null {
  const axes = tf.util.parseAxisParam(axis, shape).sort((p, q) => p - q);
  const leading = axes.length > 0 && axes.length < shape.length && axes.every((a, i) => a === i);
  return leading ? axes.length : null;
}

/** The reduced shape: leading axes dropped, or kept as 1s. */
export function reducedShape(shape: number[], axes: number, keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (i < axes ? 1 : d)) : shape.slice(axes);
}

function sum(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo {
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const x = args.inputs.x as TensorInfo;
  const axes = leadingAxes(axis, x.shape);
  if (x.dtype !== 'float32' || axes === null) return originalKernel(tf.Sum)!(args) as TensorInfo;
  return sumLeadingAxes(args.backend, x, axes, reducedShape(x.shape, axes, keepDims));
}

export const sumConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: sum as unknown as tf.KernelFunc,
};
