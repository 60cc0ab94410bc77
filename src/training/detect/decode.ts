/**
 * From the box student's raw grid to boxes: per cell a box of its best class, scored
 * sigmoid(objectness) x softmax(class), kept above a score threshold, clipped to the image, and
 * class-wise non-maximum suppression.
 */
import { boxFromCenter, nonMaxSuppression, type ScoredBox } from '../../annotation';
import { BOX_CHANNELS } from './model';

export interface DecodeOptions {
  scoreThreshold: number;
  iouThreshold: number;
  maxBoxes?: number;
}

export const DEFAULT_DECODE: DecodeOptions = { scoreThreshold: 0.25, iouThreshold: 0.45, maxBoxes: 100 };

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Decode one image's grid [S, S, 5 + C] (row-major, channels last) at `offset` of `raw`. */
export function decodeGrid(raw: ArrayLike<number>, grid: number, numClasses: number, options: DecodeOptions, offset = 0): ScoredBox[] {
  const ch = BOX_CHANNELS + numClasses;
  const boxes: ScoredBox[] = [];
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      const at = offset + (row * grid + col) * ch;
      const objectness = sigmoid(raw[at]!);
      if (objectness < options.scoreThreshold) continue; // the class probability is at most 1
      let best = 0;
      let max = -Infinity;
      for (let c = 0; c < numClasses; c++) if (raw[at + BOX_CHANNELS + c]! > max) [max, best] = [raw[at + BOX_CHANNELS + c]!, c];
      let denominator = 0;
      for (let c = 0; c < numClasses; c++) denominator += Math.exp(raw[at + BOX_CHANNELS + c]! - max);
      const score = objectness / denominator;
      if (score < options.scoreThreshold) continue;
      const box = boxFromCenter((col + sigmoid(raw[at + 1]!)) / grid, (row + sigmoid(raw[at + 2]!)) / grid, sigmoid(raw[at + 3]!), sigmoid(raw[at + 4]!));
      if (box) boxes.push({ ...box, classIndex: best, score });
    }
  }
  return nonMaxSuppression(boxes, options.iouThreshold, options.maxBoxes ?? 100);
}
