/**
 * The box student: a small anchor-free, single-scale detector (in the spirit of YOLOv1/CenterNet).
 *
 * Backbone: the small CNN's convolution stack (conv3x3-32 + ReLU, maxpool 2, conv3x3-64 + ReLU,
 * maxpool 2; reused from its builder) and one more conv3x3 + maxpool, so the feature map has
 * stride 8. Head: conv3x3 + ReLU, dropout (the noise of noisy-student training), and a 1x1 conv
 * giving a grid [S, S, 5 + C] of raw values per cell:
 *   0      objectness logit
 *   1, 2   cx, cy: offsets of the box center inside the cell, through a sigmoid
 *   3, 4   w, h: box size as fractions of the image, through a sigmoid
 *   5..    class logits
 * The model outputs the raw values; the loss and the decoder apply the sigmoids and softmax.
 */
import * as tf from '@tensorflow/tfjs';
import { buildSmallCnn } from '../models';

export const DETECTOR_STRIDE = 8;
/** Channels of a grid cell before the class logits. */
export const BOX_CHANNELS = 5;

export interface DetectorOptions {
  /** Square input side in pixels: a multiple of the stride. */
  inputSize: number;
  channels: 1 | 3;
  numClasses: number;
  /** Dropout before the prediction conv; 0 turns it off. */
  dropout?: number;
  seed?: number;
}

/** Grid side for an input side. */
export function gridSize(inputSize: number): number {
  return Math.floor(inputSize / DETECTOR_STRIDE);
}

export function buildDetector(o: DetectorOptions): tf.LayersModel {
  if (o.inputSize % DETECTOR_STRIDE !== 0 || o.inputSize < 2 * DETECTOR_STRIDE) {
    throw new Error(`the detector's input size must be a multiple of ${DETECTOR_STRIDE} and at least ${2 * DETECTOR_STRIDE}`);
  }
  const seed = o.seed ?? 42;
  const init = (i: number) => tf.initializers.heNormal({ seed: seed * 1000 + i });
  // The small CNN's convolution stack (stride 4) as the start of the backbone.
  const cnn = buildSmallCnn({ height: o.inputSize, width: o.inputSize, channels: o.channels, numClasses: 2, seed });
  const input = cnn.inputs[0]!;
  let x = cnn.getLayer('pool2').output as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1), name: 'det_conv3' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'det_pool3' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(2), name: 'det_head_conv' }).apply(x) as tf.SymbolicTensor;
  if ((o.dropout ?? 0) > 0) x = tf.layers.dropout({ rate: o.dropout!, seed: seed + 7, name: 'det_dropout' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers
    .conv2d({
      filters: BOX_CHANNELS + o.numClasses, kernelSize: 1, padding: 'same', name: 'det_out',
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: seed * 1000 + 3 }),
      // Objectness starts near 1% (focal-loss style prior), so the many empty cells do not swamp the first steps.
      biasInitializer: tf.initializers.constant({ value: 0 }),
    })
    .apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: 'detector' });
  const outLayer = model.getLayer('det_out');
  const [kernel, bias] = outLayer.getWeights();
  const b = bias!.dataSync().slice();
  b[0] = -Math.log(99);
  const prior = tf.tensor1d(b);
  outLayer.setWeights([kernel!, prior]);
  prior.dispose();
  return model;
}
