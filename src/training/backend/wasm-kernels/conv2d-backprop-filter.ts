/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 has none, so conv layers
 * cannot train there at all).
 *
 * dW[i,j,c,o] = sum over (n,y,x) of xPadded[n, y*sh + i*dh, x*sw + j*dw, c] * dy[n,y,x,o].
 * We gather the im2col matrix of x (zeros where the window falls in the padding), then one XNNPACK
 * matMul cols^T[K, M] x dy[M, Cout] gives dW as [kh*kw*Cin, Cout], already in filter layout (our
 * BatchMatMul decides which operand XNNPACK packs). With Cin divisible by 4 the gather is wasm
 * SIMD in row layout cols[M, K] (contiguous copies; the product transposes it); otherwise one
 * JavaScript pass writes the transposed layout colsT[K, M] directly. This is correct for every stride, dilation and
 * padding, so there is no fallback path. On the small CNN the gather costs ~10% of the kernel; the
 * rest is the product itself, which XNNPACK runs somewhat below forward-convolution efficiency
 * because its inner dimension (N*Ho*Wo) is long.
 *
 * When M is long (large images: ResNet at 96x96 has M = 147k for 16 images) the explicit transpose
 * of cols costs as much as the product, so there the JavaScript pass writes colsT directly, in chunks
 * of about 36k rows whose partial products are summed: measured on [16,96,96,32] x 3x3x32->32,
 * 407 -> 249 ms, and on [16,48,48,64] x 3x3x64->64, 263 -> 170 ms; on the small CNN (M = 6k) the
 * SIMD rows layout stays faster (12.9 vs 14.2 ms).
 *
 * Memory: colsT holds kh*kw*Cin*N*Ho*Wo floats; large inputs are processed in chunks of images
 * (partial products summed) to keep it below `im2colLimits.maxColsFloats`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type BackendWasm, type TensorInfo, dispose, heapF32, heapOffset, reshape, runKernel, transpose,
} from '../wasm-internals.js';
import { type SimdKernels, simdKernels } from '../simd/simd-kernels.js';
import { matMul } from './batch-mat-mul.js';

/** im2col buffer size per chunk: 16M floats (64 MB) at most. Mutable so tests can force chunking. */
export const im2colLimits = { maxColsFloats: 16 * 1024 * 1024 };

/** Above this many rows (N*Ho*Wo) the transposed layout wins (see above); its chunks hold about LONG_CHUNK_ROWS rows. */
const LONG_M = 16384;
const LONG_CHUNK_ROWS = 36864;

function conv2dBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { backend } = args;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  let x = args.inputs.x as TensorInfo;
  let dy = args.inputs.dy as TensorInfo;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropFilter on wasm needs float32 tensors, got ${x.dtype} and ${dy.dtype}`);
  }
  const owned: TensorInfo[] = [];
  if (attrs.dataFormat === 'NCHW') {
    // Work in NHWC; the filter layout [kh, kw, Cin, Cout] does not depend on the data format.
    x = transpose(backend, x, [0, 2, 3, 1]);
    dy = transpose(backend, dy, [0, 2, 3, 1]);
    owned.push(x, dy);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad,
    attrs.dimRoundingMode, false, 'channelsLast');

  const n = info.batchSize;
  const rowsPerImage = info.outHeight * info.outWidth;
  const perImage = info.filterHeight * info.filterWidth * info.inChannels * rowsPerImage;
  const rowsLayout = info.inChannels % 4 === 0 && n * rowsPerImage <= LONG_M;
  const simd = rowsLayout ? simdKernels(backend) : null;
  let chunk = Math.max(1, Math.min(n, Math.floor(im2colLimits.maxColsFloats / Math.max(1, perImage))));
  if (info.inChannels % 4 === 0 && !rowsLayout) chunk = Math.min(chunk, Math.max(1, Math.floor(LONG_CHUNK_ROWS / rowsPerImage)));

  let result: TensorInfo | null = null;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const partial = filterGradientChunk(backend, simd, x, dy, info, start, count);
    if (result === null) {
      result = partial;
    } else {
      const sum = runKernel(tf.Add, backend, { a: result, b: partial });
      dispose(backend, result, partial);
      result = sum;
    }
  }
  const out = reshape(backend, result!, attrs.filterShape);
  dispose(backend, result!, ...owned);
  return out;
}

/** dW contribution of images [start, start + count), as a [K, Cout] matrix. */
function filterGradientChunk(
  backend: BackendWasm, simd: SimdKernels | null, x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo,
  start: number, count: number,
): TensorInfo {
  const { outHeight: ho, outWidth: wo, outChannels: cout } = info;
  const m = count * ho * wo;
  // cols [M, K] (SIMD, then the product transposes it) or colsT [K, M] (JavaScript).
  const cols = simd ? im2colRows(backend, simd, x, info, start, count) : im2colTransposed(backend, x, info, start, count);

  let dyChunk: TensorInfo = dy;
  if (count !== dy.shape[0]) {
    dyChunk = runKernel(tf.Slice, backend, { x: dy }, {
      begin: [start, 0, 0, 0], size: [count, ho, wo, cout],
    });
  }
  const dy2d = reshape(backend, dyChunk, [m, cout]);
  const grad = matMul(backend, cols, dy2d, simd !== null); // [K, Cout]
  dispose(backend, cols, dy2d);
  if (dyChunk !== dy) dispose(backend, dyChunk);
  return grad;
}

/** cols[(b,y,x), (i,j,c)] by wasm SIMD (Cin divisible by 4), see ../simd/im2col-rows.ts. */
function im2colRows(
  backend: BackendWasm, simd: SimdKernels, x: TensorInfo, info: tf.backend_util.Conv2DInfo,
  start: number, count: number,
): TensorInfo {
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const cols = backend.makeOutput([count * info.outHeight * info.outWidth, k], 'float32');
  simd.im2colRows(heapOffset(backend, x), heapOffset(backend, cols), start, count,
    info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left);
  return cols;
}

/** colsT[(i,j,c), (b,y,x)] in JavaScript, for any channel count. */
function im2colTransposed(
  backend: BackendWasm, x: TensorInfo, info: tf.backend_util.Conv2DInfo, start: number, count: number,
): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: cin } = info;
  const { outHeight: ho, outWidth: wo, inHeight: h, inWidth: w } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const m = count * ho * wo;
  const k = kh * kw * cin;

  const cols = backend.makeOutput([k, m], 'float32');
  // Views only after the allocation above (it may grow the heap and detach older views).
  const xs = heapF32(backend, x);
  const colsT = heapF32(backend, cols);
  // Loop order matters most here: for each output row we read one input row (a few KB, stays in
  // L1) and write runs of `wo` contiguous floats into the colsT rows; walking colsT row by row reads
  // x with a stride of Cin floats and was 3x slower. The window's valid column range is computed
  // once per tap column j, so the copy loop itself carries no bounds test.
  const lo = new Int32Array(kw);
  const hi = new Int32Array(kw);
  for (let j = 0; j < kw; j++) {
    const offset = j * dw - left; // input column of output column 0 for tap column j
    const first = Math.min(wo, Math.max(0, Math.ceil(-offset / sw)));
    lo[j] = first;
    hi[j] = Math.max(first, Math.min(wo, Math.ceil((w - offset) / sw)));
  }
  const imageSize = h * w * cin;
  const step = sw * cin;
  for (let b = start; b < start + count; b++) {
    const image = b * imageSize;
    for (let y = 0; y < ho; y++) {
      const segment = ((b - start) * ho + y) * wo; // column of colsT where this output row starts
      for (let i = 0; i < kh; i++) {
        const r = y * sh + i * dh - top;
        const inside = r >= 0 && r < h;
        for (let j = 0; j < kw; j++) {
          const first = inside ? lo[j]! : wo;
          const end = inside ? hi[j]! : wo;
          let dst = (i * kw + j) * cin * m + segment;
          let src = image + r * w * cin + (first * sw + j * dw - left) * cin;
          for (let c = 0; c < cin; c++, dst += m, src++) {
            let xo = 0;
            for (; xo < first; xo++) colsT[dst + xo] = 0;
            for (let s = src; xo < end; xo++, s += step) colsT[dst + xo] = xs[s]!;
            for (; xo < wo; xo++) colsT[dst + xo] = 0;
          }
        }
      }
    }
  }
  return cols;
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc,
};
