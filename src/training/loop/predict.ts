import * as tf from '@tensorflow/tfjs';
import type { TensorData } from './data';

/**
 * Class probabilities for every row, in batches (inference mode: dropout off, batch norm uses its
 * moving averages). The models output logits; softmax is applied here, or for a multi-label model
 * a sigmoid per class (each class its own probability; rows need not sum to 1).
 */
export function predictProbabilities(
  model: tf.LayersModel,
  data: Pick<TensorData, 'x' | 'n' | 'height' | 'width' | 'channels'>,
  batchSize = 256,
  activation: 'softmax' | 'sigmoid' = 'softmax',
): Float32Array {
  const pixels = data.height * data.width * data.channels;
  let out: Float32Array | null = null;
  for (let start = 0; start < data.n; start += batchSize) {
    const count = Math.min(batchSize, data.n - start);
    const probs = tf.tidy(() => {
      const x = tf.tensor4d(data.x.subarray(start * pixels, (start + count) * pixels), [count, data.height, data.width, data.channels]);
      const logits = model.predict(x) as tf.Tensor;
      return activation === 'sigmoid' ? tf.sigmoid(logits) : tf.softmax(logits);
    });
    const values = probs.dataSync() as Float32Array;
    const k = probs.shape[1]!;
    out ??= new Float32Array(data.n * k);
    out.set(values, start * k);
    probs.dispose();
  }
  return out ?? new Float32Array(0);
}

/** Mean cross-entropy and accuracy of predicted probabilities against the targets. */
export function lossAndAccuracy(probs: Float32Array, targets: Float32Array, n: number, k: number): { loss: number; accuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let truth = 0;
    for (let c = 0; c < k; c++) {
      const t = targets[i * k + c]!;
      if (t > 0) loss -= t * Math.log(Math.max(probs[i * k + c]!, 1e-12));
      if (probs[i * k + c]! > probs[i * k + best]!) best = c;
      if (t > targets[i * k + truth]!) truth = c;
    }
    if (best === truth) correct++;
  }
  return { loss: n ? loss / n : 0, accuracy: n ? correct / n : 0 };
}
