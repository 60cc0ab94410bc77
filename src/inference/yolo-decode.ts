import { boxFromCenter, nonMaxSuppression, type ScoredBox } from '../annotation';
import type { Frame } from './preprocess';

/**
 * The two output layouts of YOLO detectors exported to ONNX:
 *  - v5: [batch, boxes, 5 + classes] — cx, cy, w, h, objectness, then class scores; score =
 *    objectness * class score.
 *  - v8: [batch, 4 + classes, boxes] — cx, cy, w, h, then class scores (no objectness), laid out
 *    channel-first.
 * Coordinates are in input pixels (the model's input size).
 */
export type YoloLayout = 'v5' | 'v8';

/** The arch recorded for an imported YOLO-style detector teacher (it labels boxes, not images). */
export const DETECTOR_ARCH = 'onnx-detector';

/** Which layout an output shape is, given the number of classes when known. */
export function detectYoloLayout(dims: readonly number[], classes: number | null): YoloLayout | null {
  if (dims.length !== 3) return null;
  const [, a, b] = dims as [number, number, number];
  if (classes !== null) {
    if (b === 5 + classes) return 'v5';
    if (a === 4 + classes) return 'v8';
    return null;
  }
  // Unknown class count: v5 puts the (few) attributes last, v8 first; the box count is the big one.
  if (b < a && b > 5) return 'v5';
  if (a < b && a > 4) return 'v8';
  return null;
}

export interface DecodeOptions {
  inputWidth: number;
  inputHeight: number;
  scoreThreshold: number;
  iouThreshold: number;
  maxBoxes?: number;
  /**
   * Where the image lies in the input (./preprocess.ts): letterboxed inside its padding, centre-
   * cropped sticking out of it. Absent: the image is stretched over the whole input.
   */
  frame?: Frame;
}

/**
 * One image's detections: decoded, kept above the score threshold, mapped from input pixels to
 * the image through its frame (u = (x - left) / width: the exact inverse of the resize and the
 * padding or crop), normalized to [0, 1] and clipped to the image, then run through class-wise NMS.
 */
export function decodeYolo(data: Float32Array, dims: readonly number[], image: number, layout: YoloLayout, options: DecodeOptions): ScoredBox[] {
  const [, a, b] = dims as [number, number, number];
  const boxesCount = layout === 'v5' ? a : b;
  const attributes = layout === 'v5' ? b : a;
  const classes = layout === 'v5' ? attributes - 5 : attributes - 4;
  const base = image * a * b;
  const at = (box: number, attr: number) => (layout === 'v5' ? data[base + box * attributes + attr]! : data[base + attr * boxesCount + box]!);
  const first = layout === 'v5' ? 5 : 4;
  const out: ScoredBox[] = [];
  for (let i = 0; i < boxesCount; i++) {
    const objectness = layout === 'v5' ? at(i, 4) : 1;
    if (objectness < options.scoreThreshold) continue;
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      const s = at(i, first + c);
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    const score = objectness * bestScore;
    if (score < options.scoreThreshold) continue;
    const f = options.frame ?? { left: 0, top: 0, width: options.inputWidth, height: options.inputHeight };
    const box = boxFromCenter((at(i, 0) - f.left) / f.width, (at(i, 1) - f.top) / f.height, at(i, 2) / f.width, at(i, 3) / f.height);
    if (box) out.push({ ...box, classIndex: best, score });
  }
  return nonMaxSuppression(out, options.iouThreshold, options.maxBoxes);
}
