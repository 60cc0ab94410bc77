/**
 * K-fold cross-validation splits. With few labeled images a single validation split is noisy;
 * K folds give every image one turn in validation and a mean +- std for the report.
 */
import { createRng } from '../augment/index.js';

export interface Fold {
  /** Indices to train on, ascending. */
  train: number[];
  /** Indices to validate on, ascending. */
  test: number[];
}

/**
 * Splits 0..n-1 into k folds after a seeded shuffle; fold sizes differ by at most one.
 *
 * With `labels` (class indices, length n) the split is stratified: each class is shuffled and
 * dealt round-robin across folds, so every fold gets its share of every class (within one
 * example). A class with fewer than k examples is necessarily missing from some folds.
 */
export function kfoldSplits(n: number, k: number, seed: number, labels?: ArrayLike<number>): Fold[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer >= 2, got ${k}`);
  if (k > n) throw new RangeError(`cannot make ${k} folds from ${n} examples`);
  if (labels !== undefined && labels.length !== n) throw new RangeError(`labels has ${labels.length} entries, expected ${n}`);
  const rng = createRng(seed);

  let order: number[];
  if (labels === undefined) {
    order = Array.from(rng.permutation(n));
  } else {
    // Classes in ascending order, each shuffled; dealing this sequence round-robin keeps both the
    // per-class counts and the total fold sizes balanced.
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const y = labels[i] as number;
      const list = byClass.get(y);
      if (list) list.push(i);
      else byClass.set(y, [i]);
    }
    order = [];
    for (const y of [...byClass.keys()].sort((a, b) => a - b)) {
      const members = byClass.get(y) as number[];
      for (const j of rng.permutation(members.length)) order.push(members[j] as number);
    }
  }

  const foldOf = new Int32Array(n);
  order.forEach((index, position) => {
    foldOf[index] = position % k;
  });
  return Array.from({ length: k }, (_, f) => {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? test : train).push(i);
    return { train, test };
  });
}
