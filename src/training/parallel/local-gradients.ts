/**
 * One replica's share of a training step: loss and gradients of the model's trainable weights on a
 * slice of the batch. The main thread and every worker run exactly this function, so a data-parallel
 * step is the same arithmetic as a single-engine step on the whole batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { LossFn } from './loss.js';

export interface LocalGradients {
  loss: number;
  /** One gradient per entry of `model.trainableWeights`, same order, same shapes. */
  grads: tf.Tensor[];
}

export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

export function computeLocalGradients(
  model: tf.LayersModel, loss: LossFn, x: tf.Tensor, targets: tf.Tensor,
): LocalGradients {
  const variables = trainableVariables(model);
  const { value, grads } = tf.variableGrads(
    () => loss(model.apply(x, { training: true }) as tf.Tensor, targets), variables);
  const ordered = variables.map((v) => {
    const g = grads[v.name];
    // A weight the loss does not depend on gets no gradient from tfjs; make it explicit zeros.
    return g ?? tf.zerosLike(v);
  });
  const lossValue = value.dataSync()[0]!;
  value.dispose();
  return { loss: lossValue, grads: ordered };
}
