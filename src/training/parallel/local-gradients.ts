/**
 * One replica's share of a training step: loss and gradients of chosen weights on a slice of the
 * batch. The main thread and every worker run exactly this function, so a data-parallel step is the
 * same arithmetic as a single-engine step on the whole batch.
 *
 * Weights are identified across threads by their `originalName` ("conv1/kernel"): each thread has
 * its own copy of the model, whose tf.Variable names get thread-local suffixes, and whose weight
 * order depends on which layers are trainable at the moment.
 */
import type * as tf from '@tensorflow/tfjs';
import * as tfjs from '@tensorflow/tfjs';
import type { LossFn } from './loss.js';

export type LayerVariable = tf.LayersModel['weights'][number];

export interface LocalGradients {
  loss: number;
  /** One gradient per requested variable, same order, same shapes. */
  grads: tf.Tensor[];
  /**
   * The model's outputs of this forward pass (training mode), flat, row-major: the loop scores the
   * batch from them instead of running the model over the training set again after the epoch.
   */
  logits: Float32Array;
}

/** The model's trainable weights as tf.Variables (what optimizers and tf.variableGrads take). */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** The model's weights by original name; throws if names repeat (they could not be matched up). */
export function weightsByName(model: tf.LayersModel): Map<string, LayerVariable> {
  const byName = new Map<string, LayerVariable>();
  for (const w of model.weights) {
    if (byName.has(w.originalName)) {
      throw new Error(`weight name '${w.originalName}' is used twice in model '${model.name}'; ` +
        'data-parallel training needs unique layer names');
    }
    byName.set(w.originalName, w);
  }
  return byName;
}

export function computeLocalGradients(
  model: tf.LayersModel, loss: LossFn, x: tf.Tensor, targets: tf.Tensor,
  variables: tf.Variable[] = trainableVariables(model),
): LocalGradients {
  let outputs: tf.Tensor | null = null;
  const { value, grads } = tfjs.variableGrads(() => {
    outputs = tfjs.keep(model.apply(x, { training: true }) as tf.Tensor);
    return loss(outputs, targets);
  }, variables);
  // A weight the loss does not depend on gets no gradient from tfjs; make it explicit zeros.
  const ordered = variables.map((v) => grads[v.name] ?? tfjs.zerosLike(v));
  const lossValue = value.dataSync()[0]!;
  value.dispose();
  const kept = outputs as tf.Tensor | null;
  const logits = kept ? Float32Array.from(kept.dataSync()) : new Float32Array(0);
  kept?.dispose();
  return { loss: lossValue, grads: ordered, logits };
}
