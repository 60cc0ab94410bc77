/**
 * DepthwiseConv2dNativeBackpropInput and ...BackpropFilter for the wasm backend, which has neither
 * in tfjs 4.22 (so MobileNetV2-style models could not train on it at all).
 *
 * Both are direct loops over the wasm heap: a depthwise convolution does only kh*kw multiply-adds
 * per output value, so the work is memory-bound and one pass is as fast as composing several wasm
 * kernels would be. With a channel multiplier of 1 and channels divisible by 4 (MobileNetV2) the
 * pass is wasm SIMD (../simd/depthwise-backprop-simd.ts, ~15x faster than the JavaScript loop,
 * which was ~20% of a MobileNetV2 step); every other stride, dilation, padding and channel
 * multiplier runs the JavaScript loop below. No shape is handed anywhere else.
 *
 * Forward, for reference: y[n,i,j,c*m+q] = sum_{a,b} x[n, i*sh + a*dh - top, j*sw + b*dw - left, c] * W[a,b,c,q]
 */
import * as tf from '@tensorflow/tfjs';
import { depthwiseSimd } from '../simd/depthwise-backprop-simd.js';
import { type BackendWasm, type TensorInfo, heapF32, heapOffset } from '../wasm-internals.js';

type Args = { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap };

interface DepthwiseAttrs {
  strides: [number, number] | number;
  dilations: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type ConvInfo = ReturnType<typeof convInfo>;

/** The SIMD kernel's trailing arguments, in its order (n, h, w, c, ho, wo, kh, kw, sh, sw, dh, dw, top, left). */
function simdShape(info: ConvInfo): [number, number, number, number, number, number, number, number, number, number, number, number, number, number] {
  return [info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left];
}

/** The SIMD kernels, when this layer is one they do (multiplier 1, channels divisible by 4). */
function simdFor(backend: BackendWasm, info: ConvInfo) {
  return info.outChannels === info.inChannels && info.inChannels % 4 === 0 ? depthwiseSimd(backend) : null;
}

function convInfo(inShape: number[], filterShape: number[], attrs: DepthwiseAttrs) {
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast');
}

/** dX[n,h,w,c] = sum over every output (i,j,q) that read x[n,h,w,c] of dy * W. */
function depthwiseBackpropInput({ inputs, backend, attrs }: Args): TensorInfo {
  const a = attrs as unknown as DepthwiseAttrs & { inputShape: number[] };
  const dyInfo = inputs.dy as TensorInfo;
  const filterInfo = inputs.filter as TensorInfo;
  const info = convInfo(a.inputShape, filterInfo.shape, a);
  const out = backend.makeOutput(a.inputShape, 'float32');
  const dx = heapF32(backend, out);
  const dy = heapF32(backend, dyInfo);
  const w = heapF32(backend, filterInfo);
  dx.fill(0);
  const simd = simdFor(backend, info);
  if (simd) {
    simd.depthwiseInputGrad(heapOffset(backend, dyInfo), heapOffset(backend, filterInfo), heapOffset(backend, out), ...simdShape(info));
    return out;
  }
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const m = info.outChannels / C;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const dyBase = ((n * Ho + i) * Wo + j) * C * m;
        for (let p = 0; p < kh; p++) {
          const h = i * sh + p * dh - top;
          if (h < 0 || h >= H) continue;
          for (let r = 0; r < kw; r++) {
            const x = j * sw + r * dw - left;
            if (x < 0 || x >= W) continue;
            const dxBase = ((n * H + h) * W + x) * C;
            const wBase = (p * kw + r) * C * m;
            for (let c = 0; c < C; c++) {
              let sum = 0;
              for (let q = 0; q < m; q++) sum += dy[dyBase + c * m + q]! * w[wBase + c * m + q]!;
              dx[dxBase + c] = dx[dxBase + c]! + sum;
            }
          }
        }
      }
    }
  }
  return out;
}

/** dW[a,b,c,q] = sum over n,i,j of x[n, i*sh + a*dh - top, j*sw + b*dw - left, c] * dy[n,i,j,c*m+q]. */
function depthwiseBackpropFilter({ inputs, backend, attrs }: Args): TensorInfo {
  const a = attrs as unknown as DepthwiseAttrs & { filterShape: number[] };
  const xInfo = inputs.x as TensorInfo;
  const dyInfo = inputs.dy as TensorInfo;
  const info = convInfo(xInfo.shape, a.filterShape, a);
  const out = backend.makeOutput(a.filterShape, 'float32');
  const dwOut = heapF32(backend, out);
  const x = heapF32(backend, xInfo);
  const dy = heapF32(backend, dyInfo);
  dwOut.fill(0);
  const simd = simdFor(backend, info);
  if (simd) {
    simd.depthwiseFilterGrad(heapOffset(backend, xInfo), heapOffset(backend, dyInfo), heapOffset(backend, out), ...simdShape(info));
    return out;
  }
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  const m = info.outChannels / C;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const dyBase = ((n * Ho + i) * Wo + j) * C * m;
        for (let p = 0; p < kh; p++) {
          const h = i * sh + p * dh - top;
          if (h < 0 || h >= H) continue;
          for (let r = 0; r < kw; r++) {
            const col = j * sw + r * dw - left;
            if (col < 0 || col >= W) continue;
            const xBase = ((n * H + h) * W + col) * C;
            const wBase = (p * kw + r) * C * m;
            for (let c = 0; c < C; c++) {
              const xv = x[xBase + c]!;
              for (let q = 0; q < m; q++) dwOut[wBase + c * m + q] = dwOut[wBase + c * m + q]! + xv * dy[dyBase + c * m + q]!;
            }
          }
        }
      }
    }
  }
  return out;
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput as unknown as tf.KernelFunc,
};

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter as unknown as tf.KernelFunc,
};
