/**
 * Mean over the leading axes for the wasm backend: the batch statistics of every batch-norm layer
 * in training mode (tf.moments of [N, H, W, C] over N, H, W, twice per layer and step).
 *
 * The 4.22 wasm Mean transposes the reduced axes to the end and sums each row in float32; over
 * the ~40k values of a channel that is slow and loses ~1e-4 of relative precision, which shows as
 * training-mode logits 3e-4 away from the 'cpu' backend and PyTorch (bench/training/architectures.ts).
 * This walks the rows once with the Sum kernel's float64 column sums (sum.ts) and scales by
 * 1/rows. Other axes and non-float input go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendWasm, type TensorInfo, originalKernel } from '../wasm-internals.js';
import { leadingAxes, reducedShape, sumLeadingAxes } from './sum.js';

function mean(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo {
  const { axis, keepDims } = args.attrs as unknown as tf.MeanAttrs;
  const x = args.inputs.x as TensorInfo;
  const axes = leadingAxes(axis, x.shape);
  if (x.dtype !== 'float32' || axes === null) return originalKernel(tf.Mean)!(args) as TensorInfo;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, axes));
  return sumLeadingAxes(args.backend, x, axes, reducedShape(x.shape, axes, keepDims), 1 / rows);
}

export const meanConfig: tf.KernelConfig = {
  kernelName: tf.Mean,
  backendName: 'wasm',
  kernelFunc: mean as unknown as tf.KernelFunc,
};
