/** Summary of per-fold (or per-seed) results, reported as mean +- std. */

/**
 * Mean and sample standard deviation (divides by n - 1: the folds are a sample of possible
 * splits, so this is the unbiased variance estimate). One value has std 0.
 */
export function meanAndStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) throw new RangeError('meanAndStd of no values');
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  if (n === 1) return { mean, std: 0 };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((values[i] as number) - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}
