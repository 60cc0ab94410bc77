import * as tf from '@tensorflow/tfjs';
import { FusedAdamOptimizer } from './fused-adam';

export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Build a tfjs optimizer by the name users type (`--optimizer`). */
export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, 0.9, false);
    case 'nesterov':
      return tf.train.momentum(learningRate, 0.9, true);
    case 'adagrad':
      return tf.train.adagrad(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate, 0.9);
    case 'adam':
      // tf.train.adam's defaults (beta1 0.9, beta2 0.999, the backend's epsilon), fused on wasm.
      return new FusedAdamOptimizer(learningRate, 0.9, 0.999);
  }
}

/**
 * Change an optimizer's learning rate between steps (for schedules). Every tfjs optimizer keeps it
 * in a `learningRate` field that it reads on each applyGradients; only SGD exposes a setter, so the
 * field is written directly.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
}
