/**
 * MaxPoolGrad for the wasm backend as one JavaScript pass over the wasm heap.
 *
 * The gradient of a max pool routes each dy value to the input position that held the window's
 * maximum. Like the tfjs 'cpu' backend we pick the first maximum in row-major window order, and a
 * window with no value above -Infinity (all NaN or -Infinity) routes nothing. The loop keeps the
 * channel axis innermost so both x and dx are walked contiguously; the 4.22 wasm kernel (or an
 * equal/upsample composition) is 5-10x slower on the small CNN. Works for any window, stride and
 * padding; dilation is not part of MaxPoolGrad. The common 2x2 / stride 2 case runs as wasm SIMD
 * (../simd/max-pool-2x2-grad.ts) when the channel count is a multiple of 4.
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernels } from '../simd/simd-kernels.js';
import { type BackendWasm, type TensorInfo, heapF32, heapOffset, originalKernel } from '../wasm-internals.js';

function maxPoolGrad(args: {
  inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { backend } = args;
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const dy = args.inputs.dy as TensorInfo;
  const x = args.inputs.input as TensorInfo;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') return originalKernel(tf.MaxPoolGrad)!(args) as TensorInfo;

  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;

  const dxInfo = backend.makeOutput(x.shape, 'float32');
  const dx = heapF32(backend, dxInfo);
  const xs = heapF32(backend, x);
  const dys = heapF32(backend, dy);

  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 &&
      2 * ho <= h && 2 * wo <= w) {
    const simd = c % 4 === 0 ? simdKernels(backend) : null;
    if (simd) {
      // The SIMD kernel writes every position a window covers; a last odd row/column is not covered.
      if (2 * ho < h || 2 * wo < w) dx.fill(0);
      simd.maxPool2x2Grad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dxInfo),
        batchSize, h, w, c, ho, wo);
    } else {
      dx.fill(0);
      pool2x2Grad(xs, dys, dx, batchSize, h, w, c, ho, wo);
    }
    return dxInfo;
  }

  dx.fill(0);

  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < batchSize; b++) {
    const image = b * h * w * c;
    for (let yo = 0; yo < ho; yo++) {
      const r0 = yo * sh - top;
      for (let xo = 0; xo < wo; xo++) {
        const c0 = xo * sw - left;
        best.fill(-Infinity);
        where.fill(-1);
        for (let r = Math.max(0, r0); r < Math.min(h, r0 + fh); r++) {
          for (let col = Math.max(0, c0); col < Math.min(w, c0 + fw); col++) {
            const base = image + (r * w + col) * c;
            for (let d = 0; d < c; d++) {
              const v = xs[base + d]!;
              if (v > best[d]!) {
                best[d] = v;
                where[d] = base + d;
              }
            }
          }
        }
        const dyBase = ((b * ho + yo) * wo + xo) * c;
        for (let d = 0; d < c; d++) {
          const at = where[d]!;
          if (at >= 0) dx[at]! += dys[dyBase + d]!;
        }
      }
    }
  }
  return dxInfo;
}

/**
 * The common 2x2 / stride 2 pool with every window inside the image, unrolled: 3x faster than the
 * generic loop above, same tie and NaN rules (first strict maximum above -Infinity wins).
 */
function pool2x2Grad(
  xs: Float32Array, dys: Float32Array, dx: Float32Array,
  batchSize: number, h: number, w: number, c: number, ho: number, wo: number,
): void {
  const rowStride = w * c;
  for (let b = 0; b < batchSize; b++) {
    for (let yo = 0; yo < ho; yo++) {
      let p00 = (b * h + 2 * yo) * rowStride; // top-left of the window, channel 0
      let g = ((b * ho + yo) * wo) * c;
      for (let xo = 0; xo < wo; xo++, p00 += 2 * c) {
        const end = g + c;
        for (let p = p00; g < end; g++, p++) {
          let best = -Infinity;
          let at = -1;
          let v = xs[p]!;
          if (v > best) { best = v; at = p; }
          v = xs[p + c]!;
          if (v > best) { best = v; at = p + c; }
          v = xs[p + rowStride]!;
          if (v > best) { best = v; at = p + rowStride; }
          v = xs[p + rowStride + c]!;
          if (v > best) { at = p + rowStride + c; }
          if (at >= 0) dx[at] = dys[g]!;
        }
      }
    }
  }
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
};
