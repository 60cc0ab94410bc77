/**
 * Knowledge-distillation loss (Hinton et al.), as a LossFn the data-parallel engine can load by
 * module name in every replica.
 *
 * Targets travel as one row per example: [ soft (k) | hard (k) | alpha | T ]
 *  - soft: the teacher's probabilities at temperature T, softmax(z_teacher / T) (zeros if none)
 *  - hard: the one-hot label (or a label mixed by CutMix)
 *  - alpha, T: the blend and the temperature, per row, so images without a soft label simply
 *    carry alpha = 0 and get the cross-entropy term alone.
 *
 * loss = mean over rows of  alpha * T^2 * KL(soft || softmax(z/T)) + (1 - alpha) * CE(hard, softmax(z))
 * The T^2 factor keeps the soft term's gradients on the same scale as the hard term's when T changes.
 */
import * as tf from '@tensorflow/tfjs';

/** Lay out distillation targets for `n` rows of `k` classes. */
export function packDistillationTargets(
  soft: Float32Array | null,
  hard: Float32Array,
  n: number,
  k: number,
  alpha: number,
  temperature: number,
  hasSoft: (row: number) => boolean = () => soft !== null,
): Float32Array {
  const width = 2 * k + 2;
  const out = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    const withSoft = soft !== null && hasSoft(i);
    if (withSoft) out.set(soft!.subarray(i * k, (i + 1) * k), i * width);
    out.set(hard.subarray(i * k, (i + 1) * k), i * width + k);
    out[i * width + 2 * k] = withSoft ? alpha : 0;
    out[i * width + 2 * k + 1] = temperature;
  }
  return out;
}

export function distillationLoss(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const k = logits.shape[1]!;
    const soft = targets.slice([0, 0], [-1, k]);
    const hard = targets.slice([0, k], [-1, k]);
    const alpha = targets.slice([0, 2 * k], [-1, 1]);
    const t = targets.slice([0, 2 * k + 1], [-1, 1]);
    const logStudentT = tf.logSoftmax(tf.div(logits, t));
    // KL(p || q) = sum p (log p - log q); rows with p = 0 contribute 0 (0 * log 0 := 0).
    const safeLogSoft = tf.log(tf.maximum(soft, 1e-12));
    const kl = tf.sum(tf.mul(soft, tf.sub(safeLogSoft, logStudentT)), 1, true);
    const ce = tf.neg(tf.sum(tf.mul(hard, tf.logSoftmax(logits)), 1, true));
    const perRow = tf.add(tf.mul(tf.mul(alpha, tf.square(t)), kl), tf.mul(tf.sub(1, alpha), ce));
    return tf.mean(perRow) as tf.Scalar;
  });
}

/** Softmax of logits at temperature T: the soft labels a teacher hands to its student. */
export function softmaxWithTemperature(logits: ArrayLike<number>, temperature: number): Float32Array {
  const out = new Float32Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]! / temperature);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! / temperature - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}
