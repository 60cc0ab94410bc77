/**
 * Multi-label metrics: each image carries a set of classes and the model gives each class its own
 * probability (a sigmoid); a class is predicted when its probability is at least the threshold.
 *
 * - exact match: share of images whose predicted set equals their true set (the strict per-image
 *   accuracy, reported as `accuracy`);
 * - per class: precision, recall and F1 of the yes/no decisions for that class over all images,
 *   with support = images that carry it and predicted = images predicted to (0 where undefined,
 *   like metrics.ts);
 * - macro: unweighted means over classes; Hamming loss: share of wrong (image, class) decisions.
 * There is no confusion matrix: one image can be right about one class and wrong about another.
 */
import type { ClassMetrics } from './metrics.js';

export const MULTI_LABEL_THRESHOLD = 0.5;

export interface MultiLabelMiss {
  index: number;
  trueClasses: number[];
  predictedClasses: number[];
  trueNames: string[];
  predictedNames: string[];
  /** How sure the model was of its worst wrong decision: p of a class it wrongly said, 1 - p of one it missed. */
  confidence: number;
}

export interface MultiLabelEvaluation {
  n: number;
  numClasses: number;
  threshold: number;
  exactMatch: number;
  hammingLoss: number;
  perClass: ClassMetrics[];
  macro: { precision: number; recall: number; f1: number };
  /** Images whose predicted set is not their true set, most confident mistake first (ties by index). */
  misclassified: MultiLabelMiss[];
}

/** The classes at or above the threshold in row `i` of n x k probabilities. */
export function predictedSet(probs: ArrayLike<number>, i: number, k: number, threshold = MULTI_LABEL_THRESHOLD): number[] {
  const out: number[] = [];
  for (let c = 0; c < k; c++) if ((probs[i * k + c] as number) >= threshold) out.push(c);
  return out;
}

/** `truth`: n x k multi-hot rows (a value >= 0.5 means the image carries the class); `probs`: n x k sigmoid outputs. */
export function evaluateMultiLabel(
  truth: ArrayLike<number>,
  probs: ArrayLike<number>,
  classNames: readonly string[],
  options: { threshold?: number } = {},
): MultiLabelEvaluation {
  const k = classNames.length;
  if (k < 1) throw new RangeError(`need at least one class, got ${k}`);
  if (truth.length !== probs.length || truth.length % k !== 0) {
    throw new RangeError(`targets have ${truth.length} values and probabilities ${probs.length}, expected the same multiple of ${k} classes`);
  }
  const threshold = options.threshold ?? MULTI_LABEL_THRESHOLD;
  const n = truth.length / k;
  const tp = new Array<number>(k).fill(0);
  const support = new Array<number>(k).fill(0);
  const predicted = new Array<number>(k).fill(0);
  let exact = 0;
  let wrong = 0;
  const misclassified: MultiLabelMiss[] = [];
  for (let i = 0; i < n; i++) {
    let worst = -1;
    for (let c = 0; c < k; c++) {
      const t = (truth[i * k + c] as number) >= 0.5;
      const p = probs[i * k + c] as number;
      const yes = p >= threshold;
      if (t) support[c]!++;
      if (yes) predicted[c]!++;
      if (t && yes) tp[c]!++;
      if (t !== yes) {
        wrong++;
        worst = Math.max(worst, yes ? p : 1 - p);
      }
    }
    if (worst < 0) {
      exact++;
      continue;
    }
    const trueClasses = Array.from({ length: k }, (_, c) => c).filter((c) => (truth[i * k + c] as number) >= 0.5);
    const predictedClasses = predictedSet(probs, i, k, threshold);
    misclassified.push({
      index: i, trueClasses, predictedClasses, confidence: worst,
      trueNames: trueClasses.map((c) => classNames[c]!), predictedNames: predictedClasses.map((c) => classNames[c]!),
    });
  }
  const perClass: ClassMetrics[] = classNames.map((name, c) => {
    const precision = predicted[c]! > 0 ? tp[c]! / predicted[c]! : 0;
    const recall = support[c]! > 0 ? tp[c]! / support[c]! : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { name, precision, recall, f1, support: support[c]!, predicted: predicted[c]! };
  });
  const mean = (f: (m: ClassMetrics) => number) => perClass.reduce((s, m) => s + f(m), 0) / k;
  return {
    n, numClasses: k, threshold,
    exactMatch: n ? exact / n : 0,
    hammingLoss: n ? wrong / (n * k) : 0,
    perClass,
    macro: { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1) },
    misclassified: misclassified.sort((a, b) => b.confidence - a.confidence || a.index - b.index),
  };
}

/** The numbers a multi-label model's metrics carry besides accuracy (= exactMatch) and perClass. */
export function multiLabelSummary(e: MultiLabelEvaluation): { threshold: number; exactMatch: number; macroPrecision: number; macroRecall: number; macroF1: number; hammingLoss: number } {
  return { threshold: e.threshold, exactMatch: e.exactMatch, macroPrecision: e.macro.precision, macroRecall: e.macro.recall, macroF1: e.macro.f1, hammingLoss: e.hammingLoss };
}
