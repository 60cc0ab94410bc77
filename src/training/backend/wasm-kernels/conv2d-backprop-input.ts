/**
 * Conv2DBackpropInput for the wasm backend, for stride 1, as a forward XNNPACK conv2d.
 *
 * With stride 1, dx[n,h,w,c] = sum over (i,j,o) of dy[n, h+top-i, w+left-j, o] * W[i,j,c,o], which
 * is an ordinary convolution of dy with the filter rotated by 180 degrees and its channel axes
 * swapped, padded by (kh-1-top) above and (kw-1-left) on the left. The 4.22 wasm kernel computes
 * this with direct loops, about 9x slower on the small CNN. Other strides, negative paddings and
 * NCHW go to the original kernel, which is correct.
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
  if (info.strideHeight !== 1 || info.strideWidth !== 1) return original(args) as TensorInfo;

  const { filterHeight: kh, filterWidth: kw, inChannels: cin, outChannels: cout } = info;
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  // A stride-1 'valid' conv of a (Ho + top + bottom)-row input yields Ho + top + bottom - kh + 1 rows.
  const bottom = info.inHeight + kh - 1 - info.outHeight - top;
  const right = info.inWidth + kw - 1 - info.outWidth - left;
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
  const dx = runKernel(tf.Conv2D, backend, { x: dy, filter: rotated }, {
    strides: [1, 1], dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: null as unknown as string,
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]] as unknown as tf.NamedAttrMap[string],
  });
  dispose(backend, rotated);
  return dx;
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
