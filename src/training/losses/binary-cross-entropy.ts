/**
 * The multi-label loss: each class is its own yes/no question, answered by a sigmoid of its logit.
 * Targets are multi-hot rows (1 for every class an image carries; CutMix may blend two rows into
 * fractions, which the formula takes as they are).
 *
 * loss = mean over rows and classes of  -[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))]
 *      = mean of softplus(z) - y z
 * The second form never takes the log of a sigmoid that rounded to 0 or 1, so large logits stay
 * finite; softplus' gradient is sigmoid(z), so d loss / d z = (sigmoid(z) - y) / (rows * classes).
 * A mean over the rows, as the data-parallel engine needs (see parallel/loss.ts).
 */
import * as tf from '@tensorflow/tfjs';

export function sigmoidBinaryCrossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(tf.softplus(logits), tf.mul(targets, logits))) as tf.Scalar);
}

/** Mean binary cross-entropy (over rows and classes) and exact-match accuracy of sigmoid probabilities at a threshold. */
export function binaryLossAndExactMatch(probs: Float32Array, targets: Float32Array, n: number, k: number, threshold = 0.5): { loss: number; accuracy: number } {
  let loss = 0;
  let exact = 0;
  for (let i = 0; i < n; i++) {
    let allRight = true;
    for (let c = 0; c < k; c++) {
      const p = Math.min(Math.max(probs[i * k + c]!, 1e-12), 1 - 1e-7);
      const t = targets[i * k + c]!;
      loss -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
      if ((probs[i * k + c]! >= threshold) !== (t >= 0.5)) allRight = false;
    }
    if (allRight) exact++;
  }
  return { loss: n && k ? loss / (n * k) : 0, accuracy: n ? exact / n : 0 };
}
