import * as tf from '@tensorflow/tfjs';

/**
 * The classifier trained on top of a backbone: dropout and one dense layer to the classes.
 * Its input is the feature vector laid out as a 1x1 "image" of featureDim channels, so the
 * training loop (which works on NHWC batches) trains it unchanged.
 */
export function buildHead(featureDim: number, numClasses: number, dropout: number, seed?: number): tf.Sequential {
  const head = tf.sequential({ name: 'head' });
  head.add(tf.layers.flatten({ inputShape: [1, 1, featureDim], name: 'head_flatten' }));
  if (dropout > 0) head.add(tf.layers.dropout({ rate: dropout, name: 'head_dropout' }));
  head.add(tf.layers.dense({ units: numClasses, kernelInitializer: tf.initializers.glorotUniform(seed === undefined ? {} : { seed }), name: 'logits' }));
  return head;
}

/**
 * One model from image to logits: the backbone's layers followed by the head's (the same layer
 * objects, so trained weights are shared, and the result saves and exports like any model).
 */
export function composeWithHead(extractor: tf.LayersModel, head: tf.Sequential, name: string): tf.LayersModel {
  let x = extractor.outputs[0]!;
  for (const layer of head.layers) {
    if (layer.name === 'head_flatten') continue; // the extractor already outputs a flat vector
    x = layer.apply(x) as tf.SymbolicTensor;
  }
  return tf.model({ inputs: extractor.inputs, outputs: x, name });
}
