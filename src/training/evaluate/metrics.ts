/**
 * Classification metrics from predicted probabilities, for the evaluation screen and reports.
 *
 * Conventions (the same as scikit-learn with zero_division=0):
 * - the predicted class is the argmax; ties go to the lowest class index;
 * - precision, recall and F1 are 0 where undefined (a class never predicted has no precision, a
 *   class absent from the labels has no recall) rather than NaN, so the numbers survive JSON and
 *   averages stay finite; a class the model never predicts therefore pulls the macro average down,
 *   which is what a user should see;
 * - macro averages weigh every class equally, including classes with no examples;
 * - the confusion matrix has true classes as rows and predicted classes as columns.
 */

export interface ClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  /** Examples whose true class this is. */
  support: number;
  /** Examples predicted as this class. */
  predicted: number;
}

export interface Misclassified {
  index: number;
  trueClass: number;
  trueName: string;
  predictedClass: number;
  predictedName: string;
  /** Probability of the predicted class. */
  confidence: number;
  /** Probability the model gave to the true class. */
  trueProbability: number;
}

export interface Evaluation {
  n: number;
  numClasses: number;
  accuracy: number;
  topK: { k: number; accuracy: number };
  perClass: ClassMetrics[];
  macro: { precision: number; recall: number; f1: number };
  /** confusion[true][predicted] = count. */
  confusion: number[][];
  /** Wrong predictions, most confident first (the ones most worth a look). */
  misclassified: Misclassified[];
}

/** Throws a RangeError describing the first inconsistency between labels, probabilities and classes. */
export function checkPredictions(labels: ArrayLike<number>, probs: ArrayLike<number>, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`need at least one class, got ${numClasses}`);
  if (probs.length !== labels.length * numClasses) {
    throw new RangeError(`probabilities have ${probs.length} values, expected ${labels.length} examples x ${numClasses} classes`);
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new RangeError(`label ${i} is ${y}, expected an integer in 0..${numClasses - 1}`);
  }
}

/** Argmax of each row (ties: lowest index). */
export function predictedClasses(probs: ArrayLike<number>, numClasses: number): Int32Array {
  const n = Math.floor(probs.length / numClasses);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestP = probs[i * numClasses] as number;
    for (let c = 1; c < numClasses; c++) {
      const p = probs[i * numClasses + c] as number;
      if (p > bestP) {
        best = c;
        bestP = p;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Share of examples whose prediction is right; 0 for no examples. */
export function accuracy(labels: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (labels.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predicted[i]) right++;
  return right / labels.length;
}

/**
 * Share of examples whose true class is among the k most probable. Ranks break ties by class
 * index like the argmax does, so top-1 accuracy always equals accuracy.
 */
export function topKAccuracy(labels: ArrayLike<number>, probs: ArrayLike<number>, numClasses: number, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (labels.length === 0) return 0;
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i] as number;
    const pt = probs[i * numClasses + t] as number;
    let above = 0;
    for (let c = 0; c < numClasses; c++) {
      const p = probs[i * numClasses + c] as number;
      if (p > pt || (p === pt && c < t)) above++;
    }
    if (above < k) hits++;
  }
  return hits / labels.length;
}

/** counts[true][predicted]. */
export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i] as number]![predicted[i] as number]! += 1;
  return m;
}

/** Precision, recall and F1 of each class from a confusion matrix (0 where undefined, see above). */
export function perClassMetrics(confusion: readonly (readonly number[])[], classNames: readonly string[]): ClassMetrics[] {
  const k = confusion.length;
  return Array.from({ length: k }, (_, c) => {
    const row = confusion[c] as readonly number[];
    const tp = row[c] as number;
    const support = row.reduce((s, v) => s + v, 0);
    let predicted = 0;
    for (let r = 0; r < k; r++) predicted += (confusion[r] as readonly number[])[c] as number;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { name: classNames[c] ?? String(c), precision, recall, f1, support, predicted };
  });
}

/** Unweighted means over classes (every class counts the same, however rare). */
export function macroAverage(perClass: readonly ClassMetrics[]): { precision: number; recall: number; f1: number } {
  const k = perClass.length;
  if (k === 0) return { precision: 0, recall: 0, f1: 0 };
  const sum = (f: (m: ClassMetrics) => number) => perClass.reduce((s, m) => s + f(m), 0) / k;
  return { precision: sum((m) => m.precision), recall: sum((m) => m.recall), f1: sum((m) => m.f1) };
}

/** Wrong predictions sorted by confidence, highest first (ties by index). */
export function misclassifiedExamples(labels: ArrayLike<number>, probs: ArrayLike<number>, classNames: readonly string[]): Misclassified[] {
  const k = classNames.length;
  const predicted = predictedClasses(probs, k);
  const out: Misclassified[] = [];
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i] as number;
    const p = predicted[i] as number;
    if (p === t) continue;
    out.push({
      index: i,
      trueClass: t,
      trueName: classNames[t] as string,
      predictedClass: p,
      predictedName: classNames[p] as string,
      confidence: probs[i * k + p] as number,
      trueProbability: probs[i * k + t] as number,
    });
  }
  return out.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
}

/**
 * Everything the evaluation screen shows, from true labels (class indices), predicted
 * probabilities (n x k, row-major) and the k class names. `topK` defaults to 5, capped at k.
 */
export function evaluateClassification(
  labels: ArrayLike<number>,
  probs: ArrayLike<number>,
  classNames: readonly string[],
  options: { topK?: number } = {},
): Evaluation {
  const k = classNames.length;
  checkPredictions(labels, probs, k);
  const topK = Math.min(options.topK ?? 5, k);
  const predicted = predictedClasses(probs, k);
  const confusion = confusionMatrix(labels, predicted, k);
  const perClass = perClassMetrics(confusion, classNames);
  return {
    n: labels.length,
    numClasses: k,
    accuracy: accuracy(labels, predicted),
    topK: { k: topK, accuracy: topKAccuracy(labels, probs, k, topK) },
    perClass,
    macro: macroAverage(perClass),
    confusion,
    misclassified: misclassifiedExamples(labels, probs, classNames),
  };
}
