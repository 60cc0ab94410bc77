/**
 * VGG-style: stacks of two 3x3 convolutions (batch norm, ReLU) followed by 2x2 max pooling,
 * doubling the filters at each stage (32, 64, 128, 256), then global average pooling and the
 * classifier. Stages are fitted to the input size.
 */
import * as tf from '@tensorflow/tfjs';
import { classifierHead, downsampleStages, initializerFactory, scaled, type ArchitectureOptions } from './options';

export function buildVgg(options: ArchitectureOptions): tf.LayersModel {
  const init = initializerFactory(options);
  const input = tf.input({ shape: [options.height, options.width, options.channels], name: 'image' });
  let x: tf.SymbolicTensor = input;
  const stages = downsampleStages(options, 4);
  for (let s = 0; s < stages; s++) {
    const filters = scaled(32 * 2 ** s, options);
    for (let c = 0; c < 2; c++) {
      const name = `block${s + 1}_conv${c + 1}`;
      x = tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: init(), name }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.batchNormalization({ name: `${name}_bn` }).apply(x) as tf.SymbolicTensor;
      x = tf.layers.reLU({ name: `${name}_relu` }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${s + 1}_pool` }).apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: input, outputs: classifierHead(x, options, init), name: 'vgg' });
}
