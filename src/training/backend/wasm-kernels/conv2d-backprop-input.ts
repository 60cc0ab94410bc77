/**
 * Conv2DBackpropInput for the wasm backend as a forward XNNPACK conv2d.
 *
 * With stride 1, dx[n,h,w,c] = sum over (i,j,o) of dy[n, h+top-i, w+left-j, o] * W[i,j,c,o], which
 * is an ordinary convolution of dy with the filter rotated by 180 degrees and its channel axes
 * swapped, padded by (kh-1-top) above and (kw-1-left) on the left. The 4.22 wasm kernel computes
 * this with direct loops, about 9x slower on the small CNN.
 *
 * With stride s > 1 the same holds for dy spread out: s-1 zeros between its rows and columns (a
 * tensor of (Ho-1)*s+1 by (Wo-1)*s+1), convolved at stride 1. The zeros cost s^2 times the useful
 * work, and still it beats the stock loops by ~3x (ResNet's 3x3 stride-2 convs at 96x96: ~600 ->
 * ~190 ms). Negative paddings and NCHW go to the original kernel, which is correct.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type BackendWasm, type TensorInfo, dispose, heapF32, originalKernel, runKernel,
} from '../wasm-internals.js';

function conv2dBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap;
}): TensorInfo {
  const { backend } = args;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const dy = args.inputs.dy as TensorInfo;
  const filter = args.inputs.filter as TensorInfo;
  const original = originalKernel(tf.Conv2DBackpropInput)!;
  if (attrs.dataFormat === 'NCHW') return original(args) as TensorInfo;

  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape, filter.shape as [number, number, number, number], attrs.strides, 1,
    attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { filterHeight: kh, filterWidth: kw, inChannels: cin, outChannels: cout, strideHeight: sh, strideWidth: sw } = info;
  // dy as a stride-1 convolution sees it: spread out by the strides.
  const spreadHeight = (info.outHeight - 1) * sh + 1;
  const spreadWidth = (info.outWidth - 1) * sw + 1;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  // A stride-1 'valid' conv of an (L + top + bottom)-row input yields L + top + bottom - kh + 1 rows.
  const bottom = info.inHeight + kh - 1 - spreadHeight - top;
  const right = info.inWidth + kw - 1 - spreadWidth - left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return original(args) as TensorInfo;

  // Rotated filter: R[i,j,o,c] = W[kh-1-i, kw-1-j, c, o].
  const rotated = backend.makeOutput([kh, kw, cout, cin], 'float32');
  const w = heapF32(backend, filter);
  const r = heapF32(backend, rotated);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const src = ((kh - 1 - i) * kw + (kw - 1 - j)) * cin * cout;
      const dst = (i * kw + j) * cout * cin;
      for (let c = 0; c < cin; c++) {
        for (let o = 0; o < cout; o++) r[dst + o * cin + c] = w[src + c * cout + o]!;
      }
    }
  }
  const spread = sh === 1 && sw === 1 ? dy : spreadOut(backend, dy, info, spreadHeight, spreadWidth);
  const dx = runKernel(tf.Conv2D, backend, { x: spread, filter: rotated }, {
    strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: null as unknown as string,
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]] as unknown as tf.NamedAttrMap[string],
  });
  dispose(backend, rotated);
  if (spread !== dy) dispose(backend, spread);
  return dx;
}

/** dy with (stride - 1) zero rows and columns between its own: [N, (Ho-1)*sh+1, (Wo-1)*sw+1, Cout]. */
function spreadOut(backend: BackendWasm, dy: TensorInfo, info: tf.backend_util.Conv2DInfo, height: number, width: number): TensorInfo {
  const { batchSize: n, outHeight: ho, outWidth: wo, outChannels: c, strideHeight: sh, strideWidth: sw } = info;
  const out = backend.makeOutput([n, height, width, c], 'float32');
  const src = heapF32(backend, dy);
  const dst = heapF32(backend, out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < ho; y++) {
      for (let x = 0; x < wo; x++) {
        const from = ((b * ho + y) * wo + x) * c;
        dst.set(src.subarray(from, from + c), ((b * height + y * sh) * width + x * sw) * c);
      }
    }
  }
  return out;
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
