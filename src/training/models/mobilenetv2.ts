/**
 * MobileNetV2-style: inverted residual blocks — a 1x1 expansion (ReLU6), a 3x3 depthwise
 * convolution (ReLU6), and a linear 1x1 projection — with a residual add when the block keeps its
 * size and channels. Depthwise separable convolutions make it the cheapest of the architectures
 * per image, the usual choice for a compressed student.
 */
import * as tf from '@tensorflow/tfjs';
import { classifierHead, downsampleStages, initializerFactory, scaled, type ArchitectureOptions, type Initializer } from './options';

type Init = () => Initializer;

function bnRelu6(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  const bn = tf.layers.batchNormalization({ name: `${name}_bn` }).apply(x) as tf.SymbolicTensor;
  return tf.layers.reLU({ maxValue: 6, name: `${name}_relu6` }).apply(bn) as tf.SymbolicTensor;
}

function invertedResidual(x: tf.SymbolicTensor, outChannels: number, strides: number, expansion: number, name: string, init: Init): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1] as number;
  let y = x;
  if (expansion !== 1) {
    y = tf.layers.conv2d({ filters: inChannels * expansion, kernelSize: 1, useBias: false, kernelInitializer: init(), name: `${name}_expand` }).apply(y) as tf.SymbolicTensor;
    y = bnRelu6(y, `${name}_expand`);
  }
  y = tf.layers.depthwiseConv2d({ kernelSize: 3, strides, padding: 'same', useBias: false, depthwiseInitializer: init(), name: `${name}_depthwise` }).apply(y) as tf.SymbolicTensor;
  y = bnRelu6(y, `${name}_depthwise`);
  y = tf.layers.conv2d({ filters: outChannels, kernelSize: 1, useBias: false, kernelInitializer: init(), name: `${name}_project` }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization({ name: `${name}_project_bn` }).apply(y) as tf.SymbolicTensor;
  if (strides === 1 && inChannels === outChannels) y = tf.layers.add({ name: `${name}_add` }).apply([x, y]) as tf.SymbolicTensor;
  return y;
}

export function buildMobileNetV2(options: ArchitectureOptions): tf.LayersModel {
  const init = initializerFactory(options);
  const input = tf.input({ shape: [options.height, options.width, options.channels], name: 'image' });
  const stages = downsampleStages(options, 4);
  // Small inputs keep the stem at stride 1 so there is something left to downsample.
  const stemStride = Math.min(options.height, options.width) >= 64 ? 2 : 1;
  let x = tf.layers.conv2d({ filters: scaled(16, options), kernelSize: 3, strides: stemStride, padding: 'same', useBias: false, kernelInitializer: init(), name: 'stem' }).apply(input) as tf.SymbolicTensor;
  x = bnRelu6(x, 'stem');
  x = invertedResidual(x, scaled(16, options), 1, 1, 'block0', init);
  for (let s = 0; s < stages; s++) {
    const channels = scaled(24 * 2 ** s, options);
    x = invertedResidual(x, channels, 2, 6, `stage${s + 1}_block1`, init);
    x = invertedResidual(x, channels, 1, 6, `stage${s + 1}_block2`, init);
  }
  x = tf.layers.conv2d({ filters: scaled(256, options), kernelSize: 1, useBias: false, kernelInitializer: init(), name: 'final_expand' }).apply(x) as tf.SymbolicTensor;
  x = bnRelu6(x, 'final_expand');
  return tf.model({ inputs: input, outputs: classifierHead(x, options, init), name: 'mobilenetv2' });
}
