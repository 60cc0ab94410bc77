/**
 * How good a detector's boxes are, against the true boxes of the same images:
 * - average precision per class at IoU 0.5 (all-point interpolated, as PASCAL VOC 2010+ and COCO's
 *   AP50 compute it): predictions sorted by score, each a true positive when it overlaps a not yet
 *   matched true box of its class by IoU >= 0.5;
 * - mAP: the mean over the classes that have true boxes;
 * - precision and recall at a score threshold, per class and over all boxes.
 */
import { iou, type Box, type ScoredBox } from '../../annotation';

export interface TruthBox extends Box {
  classIndex: number;
}

export interface ClassDetectionScore {
  name: string;
  /** AP at IoU 0.5; null when the class has no true box in these images. */
  ap: number | null;
  precision: number;
  recall: number;
  /** True boxes of the class. */
  support: number;
}

export interface DetectionEvaluation {
  map: number;
  perClass: ClassDetectionScore[];
  precision: number;
  recall: number;
  scoreThreshold: number;
  iouThreshold: number;
  images: number;
}

interface Ranked {
  score: number;
  tp: boolean;
}

/** Match one class's predictions to its true boxes, greedily by score, per image. */
function rankClass(predictions: readonly ScoredBox[][], truths: readonly TruthBox[][], classIndex: number, iouThreshold: number): { ranked: Ranked[]; support: number } {
  const ranked: Ranked[] = [];
  let support = 0;
  predictions.forEach((preds, i) => {
    const gts = truths[i]!.filter((t) => t.classIndex === classIndex);
    support += gts.length;
    const matched = new Array<boolean>(gts.length).fill(false);
    const sorted = preds.filter((p) => p.classIndex === classIndex).sort((a, b) => b.score - a.score);
    for (const p of sorted) {
      let best = -1;
      let bestIou = iouThreshold;
      gts.forEach((g, j) => {
        const o = iou(p, g);
        if (!matched[j] && o >= bestIou) [best, bestIou] = [j, o];
      });
      if (best >= 0) matched[best] = true;
      ranked.push({ score: p.score, tp: best >= 0 });
    }
  });
  return { ranked: ranked.sort((a, b) => b.score - a.score), support };
}

/** All-point interpolated average precision of ranked detections against `support` true boxes. */
export function averagePrecision(ranked: readonly Ranked[], support: number): number {
  if (support === 0) return 0;
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  ranked.forEach((r, i) => {
    if (r.tp) tp++;
    precision.push(tp / (i + 1));
    recall.push(tp / support);
  });
  // The precision envelope: at each recall, the best precision at that recall or beyond.
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let ap = 0;
  let lastRecall = 0;
  recall.forEach((r, i) => {
    if (r > lastRecall) {
      ap += (r - lastRecall) * precision[i]!;
      lastRecall = r;
    }
  });
  return ap;
}

/**
 * Evaluate predictions (per image, any score) against true boxes (per image, same order).
 * Precision and recall count the predictions scoring at least `scoreThreshold`.
 */
export function evaluateDetections(
  predictions: readonly ScoredBox[][],
  truths: readonly TruthBox[][],
  classes: readonly string[],
  options: { iouThreshold?: number; scoreThreshold?: number } = {},
): DetectionEvaluation {
  if (predictions.length !== truths.length) throw new Error('predictions and truths must cover the same images');
  const iouThreshold = options.iouThreshold ?? 0.5;
  const scoreThreshold = options.scoreThreshold ?? 0.5;
  let allTp = 0;
  let allPredicted = 0;
  let allSupport = 0;
  const perClass = classes.map((name, c): ClassDetectionScore => {
    const { ranked, support } = rankClass(predictions, truths, c, iouThreshold);
    const kept = ranked.filter((r) => r.score >= scoreThreshold);
    const tp = kept.filter((r) => r.tp).length;
    allTp += tp;
    allPredicted += kept.length;
    allSupport += support;
    return {
      name,
      ap: support > 0 ? averagePrecision(ranked, support) : null,
      precision: kept.length ? tp / kept.length : 0,
      recall: support ? tp / support : 0,
      support,
    };
  });
  const aps = perClass.flatMap((c) => (c.ap === null ? [] : [c.ap]));
  return {
    map: aps.length ? aps.reduce((a, b) => a + b, 0) / aps.length : 0,
    perClass,
    precision: allPredicted ? allTp / allPredicted : 0,
    recall: allSupport ? allTp / allSupport : 0,
    scoreThreshold,
    iouThreshold,
    images: predictions.length,
  };
}
