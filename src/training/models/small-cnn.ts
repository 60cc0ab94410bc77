/**
 * The "small CNN": the default trainable image classifier for small inputs, and the model the
 * training benchmarks measure (bench/training/small-cnn.ts mirrors it in PyTorch).
 *
 * conv3x3-32 same + ReLU -> maxpool 2 -> conv3x3-64 same + ReLU -> maxpool 2 -> flatten
 * -> dense-128 + ReLU -> dense-numClasses (logits; no softmax, so losses can use logits directly
 * and the ONNX export stays a plain graph).
 */
import * as tf from '@tensorflow/tfjs';

export interface SmallCnnOptions {
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  /** Seed for the weight initializers, for reproducible runs and tests. */
  seed?: number;
}

export function buildSmallCnn(options: SmallCnnOptions): tf.LayersModel {
  const { height, width, channels, numClasses, seed } = options;
  // Each layer gets its own seed: tfjs initializers with the same seed produce the same numbers.
  const init = (i: number) =>
    tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + i });
  return tf.sequential({
    name: 'small_cnn',
    layers: [
      tf.layers.conv2d({
        inputShape: [height, width, channels], filters: 32, kernelSize: 3, padding: 'same',
        activation: 'relu', kernelInitializer: init(1), name: 'conv1',
      }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }),
      tf.layers.conv2d({
        filters: 64, kernelSize: 3, padding: 'same', activation: 'relu',
        kernelInitializer: init(2), name: 'conv2',
      }),
      tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool2' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3), name: 'fc1' }),
      tf.layers.dense({ units: numClasses, kernelInitializer: init(4), name: 'logits' }),
    ],
  });
}
