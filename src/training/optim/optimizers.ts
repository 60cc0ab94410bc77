import * as tf from '@tensorflow/tfjs';

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
      return tf.train.adam(learningRate);
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
