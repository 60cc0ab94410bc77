/**
 * Tile for the wasm backend as block copies on the wasm heap.
 *
 * Every batch-norm layer's gradient tiles its [1, 1, 1, C] inverse standard deviation up to the
 * whole activation [N, H, W, C] (tfjs-core's FusedBatchNorm gradient), and the 4.22 wasm kernel
 * walks the output one element at a time with index arithmetic: ~half of a MobileNetV2 training
 * step went there. Here the shape is first simplified (an axis of size 1 folds its repeats into the
 * next axis, neighbouring axes without repeats merge), so that case becomes one C-vector copied
 * N*H*W times, done by doubling `copyWithin` (memcpy speed). Any dtype with a heap view (float32,
 * int32, bool) is handled; string and complex tensors go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendWasm, type TensorInfo, originalKernel } from '../wasm-internals.js';

type Heap = Float32Array | Int32Array | Uint8Array;

/**
 * An equivalent (dims, reps) of fewer axes: tiling x[1, D] by [R1, R2] is tiling x[D] by [R1*R2],
 * and two neighbouring axes that are not repeated are one axis. The output's memory is the same.
 */
export function simplifyTile(shape: readonly number[], reps: readonly number[]): { dims: number[]; reps: number[] } {
  const dims: number[] = [];
  const out: number[] = [];
  let carry = 1;
  for (let a = 0; a < shape.length; a++) {
    const d = shape[a]!;
    const r = reps[a]! * carry;
    if (d === 1 && a < shape.length - 1) {
      carry = r;
      continue;
    }
    carry = 1;
    const last = dims.length - 1;
    if (last >= 0 && out[last] === 1 && r === 1) dims[last]! *= d;
    else {
      dims.push(d);
      out.push(r);
    }
  }
  return { dims, reps: out };
}

/** Copies dst[start, start + block) so it fills dst[start, start + block * times). */
function repeatBlock(dst: Heap, start: number, block: number, times: number): void {
  const total = block * times;
  if (block === 1) {
    dst.fill(dst[start]!, start + 1, start + total);
    return;
  }
  for (let filled = block; filled < total; filled *= 2) {
    dst.copyWithin(start + filled, start, start + Math.min(filled, total - filled));
  }
}

function tileInto(src: Heap, dst: Heap, dims: number[], reps: number[]): void {
  const rank = dims.length;
  const inStride = new Array<number>(rank).fill(1);
  const outStride = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) {
    inStride[a] = inStride[a + 1]! * dims[a + 1]!;
    outStride[a] = outStride[a + 1]! * dims[a + 1]! * reps[a + 1]!;
  }
  const fill = (axis: number, inOff: number, outOff: number): void => {
    const d = dims[axis]!;
    if (axis === rank - 1) dst.set(src.subarray(inOff, inOff + d), outOff);
    else for (let i = 0; i < d; i++) fill(axis + 1, inOff + i * inStride[axis]!, outOff + i * outStride[axis]!);
    if (reps[axis]! > 1) repeatBlock(dst, outOff, d * outStride[axis]!, reps[axis]!);
  };
  fill(0, 0, 0);
}

function tile(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo {
  const { backend } = args;
  const x = args.inputs.x as TensorInfo;
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  if (x.dtype === 'string' || x.dtype === 'complex64') return originalKernel(tf.Tile)!(args) as TensorInfo;
  const outShape = x.shape.map((d, i) => d * reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const src = backend.typedArrayFromHeap(x as tf.Tensor) as Heap;
  const dst = backend.typedArrayFromHeap(out as tf.Tensor) as Heap;
  if (x.shape.length === 0) {
    dst[0] = src[0]!;
    return out;
  }
  const simple = simplifyTile(x.shape, reps);
  tileInto(src, dst, simple.dims, simple.reps);
  return out;
}

export const tileConfig: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: 'wasm',
  kernelFunc: tile as unknown as tf.KernelFunc,
};
