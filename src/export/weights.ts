/**
 * Weight layouts, tfjs -> ONNX, and batch-norm folding. ONNX wants the output channel first in
 * every weight we emit (Conv [cout, cin/group, kh, kw], Gemm B with transB=1 is [out, in]), so
 * folding a following batch norm is one rule for all of them: scale row o of the weight by
 * gamma_o / sqrt(var_o + eps) and fold the shift into the bias.
 */
import * as tf from '@tensorflow/tfjs';

export interface OnnxWeight {
  dims: number[];
  values: Float32Array;
}

function transposed(kernel: tf.Tensor, perm: number[]): Float32Array {
  return tf.tidy(() => new Float32Array(tf.transpose(kernel, perm).dataSync()));
}

/** tfjs conv2d kernel [kh, kw, cin, cout] -> ONNX Conv W [cout, cin, kh, kw]. */
export function convKernel(kernel: tf.Tensor): OnnxWeight {
  const [kh, kw, cin, cout] = kernel.shape as number[];
  return { dims: [cout!, cin!, kh!, kw!], values: transposed(kernel, [3, 2, 0, 1]) };
}

/**
 * tfjs depthwise kernel [kh, kw, c, m] -> ONNX grouped Conv W [c*m, 1, kh, kw] with group = c.
 * TensorFlow numbers the outputs c_i * m + j, and ONNX gives group g the m consecutive outputs
 * g*m .. g*m+m-1, so moving (c, m) to the front in that order lines them up.
 */
export function depthwiseKernel(kernel: tf.Tensor): OnnxWeight & { group: number } {
  const [kh, kw, c, m] = kernel.shape as number[];
  return { dims: [c! * m!, 1, kh!, kw!], values: transposed(kernel, [2, 3, 0, 1]), group: c! };
}

/** tfjs dense kernel [in, out] -> Gemm B [out, in] (used with transB = 1). */
export function denseKernel(kernel: tf.Tensor): OnnxWeight {
  const [inputs, units] = kernel.shape as number[];
  return { dims: [units!, inputs!], values: transposed(kernel, [1, 0]) };
}

export interface BatchNormParams {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
}

/**
 * Folds y = gamma * (x - mean) / sqrt(var + eps) + beta into the producer of x. Computed in
 * float64 and rounded once, so the folded weights are as close to tfjs as float32 allows.
 */
export function foldBatchNorm(weight: OnnxWeight, bias: Float32Array | null, bn: BatchNormParams): { weight: OnnxWeight; bias: Float32Array } {
  const outChannels = weight.dims[0]!;
  if (bn.gamma.length !== outChannels) throw new Error(`batch norm has ${bn.gamma.length} channels, the layer before it ${outChannels}`);
  const perRow = weight.values.length / outChannels;
  const values = new Float32Array(weight.values.length);
  const folded = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    const s = bn.gamma[o]! / Math.sqrt(bn.variance[o]! + bn.epsilon);
    for (let k = 0; k < perRow; k++) values[o * perRow + k] = weight.values[o * perRow + k]! * s;
    folded[o] = ((bias ? bias[o]! : 0) - bn.mean[o]!) * s + bn.beta[o]!;
  }
  return { weight: { dims: weight.dims, values }, bias: folded };
}

/** The values of a layer's weight by its role ('kernel', 'bias', 'gamma', ...), or null. */
export function layerWeight(layer: tf.layers.Layer, role: string): tf.Tensor | null {
  const found = layer.weights.find((w) => {
    const name = (w as { originalName?: string }).originalName ?? w.name;
    return name === role || name.endsWith(`/${role}`) || name.replace(/_\d+$/, '').endsWith(`/${role}`);
  });
  return found ? found.read() : null;
}

export function floatsOf(t: tf.Tensor): Float32Array {
  return new Float32Array(t.dataSync());
}

/** A batch-norm layer's parameters, with the defaults tfjs uses when center/scale are off. */
export function batchNormParams(layer: tf.layers.Layer): BatchNormParams {
  const config = layer.getConfig() as { epsilon?: number };
  const mean = layerWeight(layer, 'moving_mean');
  const variance = layerWeight(layer, 'moving_variance');
  if (!mean || !variance) throw new Error(`batch norm layer ${layer.name} has no moving statistics`);
  const channels = mean.size;
  const gamma = layerWeight(layer, 'gamma');
  const beta = layerWeight(layer, 'beta');
  return {
    gamma: gamma ? floatsOf(gamma) : new Float32Array(channels).fill(1),
    beta: beta ? floatsOf(beta) : new Float32Array(channels),
    mean: floatsOf(mean),
    variance: floatsOf(variance),
    epsilon: config.epsilon ?? 1e-3,
  };
}
