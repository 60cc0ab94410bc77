/**
 * Which loss the replicas minimise. Every replica (thread) must build the same function, so the
 * loss travels between threads as a description, not as a closure:
 *  - 'softmax-cross-entropy' (built in): logits against one-hot or soft float targets, or against
 *    int32 class indices; mean over the examples.
 *  - 'sigmoid-binary-cross-entropy' (built in): multi-label, logits against multi-hot targets, one
 *    sigmoid per class; mean over examples and classes (losses/binary-cross-entropy.ts).
 *  - { module, exportName }: an ES module (file URL or package specifier) that every thread imports;
 *    its export is a `LossFn`. Use this for distillation losses and anything custom.
 * The loss must be a mean over the examples of the batch: replicas' gradients are combined with
 * weights proportional to their share of the batch, which then equals the gradient on the whole
 * batch.
 */
import * as tf from '@tensorflow/tfjs';
import { distillationLoss } from '../losses/distillation.js';
import { sigmoidBinaryCrossEntropy } from '../losses/binary-cross-entropy.js';

/** logits [n, ...] and targets [n, ...] -> scalar mean loss. */
export type LossFn = (logits: tf.Tensor, targets: tf.Tensor) => tf.Scalar;

export type LossSpec = 'softmax-cross-entropy' | 'sigmoid-binary-cross-entropy' | 'distillation' | { module: string; exportName: string };

export const softmaxCrossEntropy: LossFn = (logits, targets) => {
  const labels = targets.dtype === 'int32'
    ? tf.oneHot(targets.reshape([-1]) as tf.Tensor1D, logits.shape[logits.shape.length - 1]!)
    : targets;
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
};

export async function resolveLoss(spec: LossSpec): Promise<LossFn> {
  if (spec === 'softmax-cross-entropy') return softmaxCrossEntropy;
  // Built in by name so bundled builds need no separate loss module file.
  if (spec === 'distillation') return distillationLoss;
  if (spec === 'sigmoid-binary-cross-entropy') return sigmoidBinaryCrossEntropy;
  const mod = (await import(/* @vite-ignore */ spec.module)) as Record<string, unknown>;
  const fn = mod[spec.exportName];
  if (typeof fn !== 'function') throw new Error(`${spec.module} has no function export '${spec.exportName}'`);
  return fn as LossFn;
}
