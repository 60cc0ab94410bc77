/** Grid search: a fixed number of evenly spaced values per numeric dimension, every choice, all combinations. */
import type { Rng } from '../augment/index.js';
import { fromUnit, type Dimension, type ParamValue, type Params, type SearchSpace } from './space.js';

/** The values a grid takes along one dimension (ints are deduplicated when the range is small). */
export function gridValues(dim: Dimension, pointsPerDim: number): ParamValue[] {
  if (dim.kind === 'choice') return [...dim.choices];
  if (!Number.isInteger(pointsPerDim) || pointsPerDim < 1) throw new RangeError(`pointsPerDim must be a positive integer, got ${pointsPerDim}`);
  if (pointsPerDim === 1) {
    return [dim.kind === 'int' ? Math.round((dim.min + dim.max) / 2) : fromUnit(dim, 0.5)];
  }
  const values: number[] = [];
  for (let i = 0; i < pointsPerDim; i++) {
    const t = i / (pointsPerDim - 1);
    if (dim.kind === 'int') values.push(Math.round(dim.min + t * (dim.max - dim.min)));
    else if (dim.kind === 'logfloat') values.push(i === pointsPerDim - 1 ? dim.max : dim.min * Math.pow(dim.max / dim.min, t));
    else values.push(i === pointsPerDim - 1 ? dim.max : dim.min + t * (dim.max - dim.min));
  }
  return [...new Set(values)];
}

/** The cartesian product in order, the last dimension varying fastest (like itertools.product). */
export function gridPoints(space: SearchSpace, pointsPerDim: number): Params[] {
  let points: Params[] = [{}];
  for (const dim of space) {
    const values = gridValues(dim, pointsPerDim);
    const next: Params[] = [];
    for (const p of points) for (const v of values) next.push({ ...p, [dim.name]: v });
    points = next;
  }
  return points;
}

/**
 * The points a grid search with a budget of `trials` evaluates: the whole grid in order when it
 * fits; otherwise a seeded random subset (kept in grid order), since the first `trials` points in
 * order would only cover the low end of the first dimensions.
 */
export function gridSchedule(space: SearchSpace, pointsPerDim: number, trials: number, rng: Rng): Params[] {
  const all = gridPoints(space, pointsPerDim);
  if (trials >= all.length) return all;
  const keep = Array.from(rng.permutation(all.length).subarray(0, trials)).sort((a, b) => a - b);
  return keep.map((i) => all[i] as Params);
}
