/**
 * Inception-style: modules of four parallel branches — 1x1; 1x1 reduce then 3x3; 1x1 reduce then
 * 5x5; 3x3 max pool then 1x1 — concatenated along channels. The 1x1 reductions keep the 3x3 and
 * 5x5 branches cheap. Two modules per stage, max pooling between stages.
 */
import * as tf from '@tensorflow/tfjs';
import { classifierHead, downsampleStages, initializerFactory, scaled, type ArchitectureOptions, type Initializer } from './options';

type Init = () => Initializer;

function conv(x: tf.SymbolicTensor, filters: number, kernel: number, name: string, init: Init): tf.SymbolicTensor {
  const y = tf.layers.conv2d({ filters, kernelSize: kernel, padding: 'same', useBias: false, kernelInitializer: init(), name }).apply(x) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ name: `${name}_bn` }).apply(y) as tf.SymbolicTensor;
  return tf.layers.reLU({ name: `${name}_relu` }).apply(bn) as tf.SymbolicTensor;
}

function inceptionModule(x: tf.SymbolicTensor, width: number, name: string, init: Init): tf.SymbolicTensor {
  const b1 = conv(x, width, 1, `${name}_1x1`, init);
  const b3 = conv(conv(x, Math.max(4, width >> 1), 1, `${name}_3x3_reduce`, init), width, 3, `${name}_3x3`, init);
  const b5 = conv(conv(x, Math.max(4, width >> 2), 1, `${name}_5x5_reduce`, init), width >> 1, 5, `${name}_5x5`, init);
  const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', name: `${name}_pool` }).apply(x) as tf.SymbolicTensor;
  const bp = conv(pooled, width >> 1, 1, `${name}_pool_proj`, init);
  return tf.layers.concatenate({ axis: -1, name: `${name}_concat` }).apply([b1, b3, b5, bp]) as tf.SymbolicTensor;
}

export function buildInception(options: ArchitectureOptions): tf.LayersModel {
  const init = initializerFactory(options);
  const input = tf.input({ shape: [options.height, options.width, options.channels], name: 'image' });
  let x = conv(input, scaled(32, options), 3, 'stem', init);
  const stages = downsampleStages(options, 3);
  for (let s = 0; s < stages; s++) {
    const width = scaled(16 * 2 ** s, options);
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `stage${s + 1}_downsample` }).apply(x) as tf.SymbolicTensor;
    x = inceptionModule(x, width, `stage${s + 1}_a`, init);
    x = inceptionModule(x, width, `stage${s + 1}_b`, init);
  }
  return tf.model({ inputs: input, outputs: classifierHead(x, options, init), name: 'inception' });
}
