/**
 * ResNet-style: a 3x3 stem, then stages of two basic residual blocks (conv-BN-ReLU-conv-BN plus
 * the shortcut, then ReLU). The first block of each later stage halves the size with stride 2 and
 * its shortcut becomes a 1x1 convolution with batch norm so the shapes match for the add.
 */
import * as tf from '@tensorflow/tfjs';
import { classifierHead, downsampleStages, initializerFactory, scaled, type ArchitectureOptions, type Initializer } from './options';

function convBn(x: tf.SymbolicTensor, filters: number, kernel: number, strides: number, name: string, init: () => Initializer) {
  const y = tf.layers.conv2d({ filters, kernelSize: kernel, strides, padding: 'same', useBias: false, kernelInitializer: init(), name }).apply(x) as tf.SymbolicTensor;
  return tf.layers.batchNormalization({ name: `${name}_bn` }).apply(y) as tf.SymbolicTensor;
}

function basicBlock(x: tf.SymbolicTensor, filters: number, strides: number, name: string, init: () => Initializer): tf.SymbolicTensor {
  const inChannels = x.shape[x.shape.length - 1];
  let y = convBn(x, filters, 3, strides, `${name}_conv1`, init);
  y = tf.layers.reLU({ name: `${name}_relu1` }).apply(y) as tf.SymbolicTensor;
  y = convBn(y, filters, 3, 1, `${name}_conv2`, init);
  const shortcut = strides !== 1 || inChannels !== filters ? convBn(x, filters, 1, strides, `${name}_shortcut`, init) : x;
  const sum = tf.layers.add({ name: `${name}_add` }).apply([y, shortcut]) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}_out` }).apply(sum) as tf.SymbolicTensor;
}

export function buildResnet(options: ArchitectureOptions): tf.LayersModel {
  const init = initializerFactory(options);
  const input = tf.input({ shape: [options.height, options.width, options.channels], name: 'image' });
  let x = convBn(input, scaled(32, options), 3, 1, 'stem', init);
  x = tf.layers.reLU({ name: 'stem_relu' }).apply(x) as tf.SymbolicTensor;
  const stages = Math.min(4, downsampleStages(options, 3) + 1);
  for (let s = 0; s < stages; s++) {
    const filters = scaled(32 * 2 ** s, options);
    x = basicBlock(x, filters, s === 0 ? 1 : 2, `stage${s + 1}_block1`, init);
    x = basicBlock(x, filters, 1, `stage${s + 1}_block2`, init);
  }
  return tf.model({ inputs: input, outputs: classifierHead(x, options, init), name: 'resnet' });
}
