/**
 * The box student's loss, on the raw grid [B, S, S, 5 + C] the model outputs and the targets
 * [B, S, S, 6 + C] of targets.ts, summed over cells and averaged over images:
 *
 *   objectness  binary cross-entropy with logits over every cell (soft targets for pending
 *               pseudo boxes: distillation of the teacher's scores)
 *   box         on cells with a box: L1 of the sigmoid center offsets (cell units) plus L1 of the
 *               sigmoid width and height times S (also cell units)
 *   classes     on cells with a box: cross-entropy of the class logits
 *
 *   total = objectness + boxWeight * box + classes
 */
import * as tf from '@tensorflow/tfjs';
import { BOX_CHANNELS } from './model';
import { TARGET_BOX_CHANNELS } from './targets';

export interface DetectionLoss {
  total: tf.Scalar;
  objectness: tf.Scalar;
  box: tf.Scalar;
  classes: tf.Scalar;
}

export interface LossWeights {
  box?: number;
}

/** BCE with logits, elementwise and numerically stable: max(x, 0) - x z + log(1 + exp(-|x|)). */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.relu(logits).sub(logits.mul(targets)).add(tf.log1p(tf.exp(tf.neg(tf.abs(logits))))));
}

export function detectionLoss(pred: tf.Tensor4D, target: tf.Tensor4D, numClasses: number, weights: LossWeights = {}): DetectionLoss {
  return tf.tidy(() => {
    const [batch, grid] = pred.shape;
    const sliceP = (start: number, size: number) => tf.slice(pred, [0, 0, 0, start], [-1, -1, -1, size]);
    const sliceT = (start: number, size: number) => tf.slice(target, [0, 0, 0, start], [-1, -1, -1, size]);
    const mask = sliceT(1, 1);
    const objectness = bceWithLogits(sliceP(0, 1), sliceT(0, 1)).sum().div(batch) as tf.Scalar;
    const centers = tf.abs(tf.sigmoid(sliceP(1, 2)).sub(sliceT(2, 2))).sum(-1, true);
    const sizes = tf.abs(tf.sigmoid(sliceP(3, 2)).sub(sliceT(4, 2))).sum(-1, true).mul(grid);
    const box = centers.add(sizes).mul(mask).sum().div(batch) as tf.Scalar;
    let classes = tf.scalar(0);
    if (numClasses > 1) {
      const logp = tf.logSoftmax(sliceP(BOX_CHANNELS, numClasses));
      classes = tf.neg(logp.mul(sliceT(TARGET_BOX_CHANNELS, numClasses)).sum(-1, true).mul(mask).sum()).div(batch) as tf.Scalar;
    }
    const total = objectness.add(box.mul(weights.box ?? 1)).add(classes) as tf.Scalar;
    return { total, objectness, box, classes };
  });
}
