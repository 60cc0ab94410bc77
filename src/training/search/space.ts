/**
 * What a hyperparameter search may vary. A space is a list of named dimensions; a point in it is
 * a plain object `{ [name]: value }` that can be stored as JSON next to a trial's score.
 */
import { AppError } from '../../api/errors.js';
import type { Rng } from '../augment/index.js';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/** Uniform on [min, max]. */
export interface FloatDimension {
  name: string;
  kind: 'float';
  min: number;
  max: number;
}

/** Log-uniform on [min, max], min > 0: for scales such as learning rates, where 1e-4..1e-3 matters as much as 1e-2..1e-1. */
export interface LogFloatDimension {
  name: string;
  kind: 'logfloat';
  min: number;
  max: number;
}

/** Integers min..max, both included. */
export interface IntDimension {
  name: string;
  kind: 'int';
  min: number;
  max: number;
}

/** One of a list of values (unordered: the search assumes no relation between neighbors). */
export interface ChoiceDimension {
  name: string;
  kind: 'choice';
  choices: readonly ParamValue[];
}

export type Dimension = FloatDimension | LogFloatDimension | IntDimension | ChoiceDimension;
export type NumericDimension = FloatDimension | LogFloatDimension | IntDimension;
export type SearchSpace = readonly Dimension[];

export const OPTIMIZERS = ['sgd', 'momentum', 'adagrad', 'rmsprop', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** The space the training dialog starts from: learning rate, batch size, optimizer, augmentation strength. */
export function trainingSearchSpace(): SearchSpace {
  return [
    { name: 'learningRate', kind: 'logfloat', min: 1e-4, max: 1e-1 },
    { name: 'batchSize', kind: 'choice', choices: [16, 32, 64, 128] },
    { name: 'optimizer', kind: 'choice', choices: [...OPTIMIZERS] },
    { name: 'augmentStrength', kind: 'float', min: 0, max: 1 },
  ];
}

/** Throws an INVALID_INPUT AppError naming the first bad dimension. */
export function checkSpace(space: SearchSpace): void {
  if (space.length === 0) throw new AppError('INVALID_INPUT', 'The search space has no dimensions.');
  const seen = new Set<string>();
  for (const dim of space) {
    const bad = (problem: string) => new AppError('INVALID_INPUT', `Search dimension "${dim.name}": ${problem}`, { name: dim.name });
    if (typeof dim.name !== 'string' || dim.name === '') throw bad('needs a name');
    if (seen.has(dim.name)) throw bad('the name is used twice');
    seen.add(dim.name);
    if (dim.kind === 'choice') {
      if (!Array.isArray(dim.choices) || dim.choices.length === 0) throw bad('needs at least one choice');
      continue;
    }
    if (dim.kind !== 'float' && dim.kind !== 'logfloat' && dim.kind !== 'int') {
      throw bad(`unknown kind "${String((dim as { kind: unknown }).kind)}"`);
    }
    if (!Number.isFinite(dim.min) || !Number.isFinite(dim.max)) throw bad('min and max must be finite numbers');
    if (dim.min > dim.max) throw bad(`min (${dim.min}) is greater than max (${dim.max})`);
    if (dim.kind === 'logfloat' && dim.min <= 0) throw bad(`a log-scale range must be positive, got min ${dim.min}`);
    if (dim.kind === 'int' && (!Number.isInteger(dim.min) || !Number.isInteger(dim.max))) throw bad('int bounds must be integers');
  }
}

/**
 * Numeric dimensions are searched in a unit interval u in [0, 1] in which the prior is uniform:
 * linear for float, logarithmic for logfloat, and one equal-width cell per integer for int.
 */
export function fromUnit(dim: NumericDimension, u: number): number {
  const t = u < 0 ? 0 : u > 1 ? 1 : u;
  switch (dim.kind) {
    case 'float':
      return dim.min + t * (dim.max - dim.min);
    case 'logfloat': {
      const lo = Math.log(dim.min);
      return Math.min(dim.max, Math.max(dim.min, Math.exp(lo + t * (Math.log(dim.max) - lo))));
    }
    case 'int':
      return Math.min(dim.max, dim.min + Math.floor(t * (dim.max - dim.min + 1)));
  }
}

/** Inverse of fromUnit (an int maps to the center of its cell). */
export function toUnit(dim: NumericDimension, value: number): number {
  switch (dim.kind) {
    case 'float':
      return dim.max > dim.min ? (value - dim.min) / (dim.max - dim.min) : 0.5;
    case 'logfloat':
      return dim.max > dim.min ? Math.log(value / dim.min) / Math.log(dim.max / dim.min) : 0.5;
    case 'int':
      return (value - dim.min + 0.5) / (dim.max - dim.min + 1);
  }
}

/** One point drawn from the prior: uniform, log-uniform, uniform integer, uniform choice. */
export function sampleSpace(space: SearchSpace, rng: Rng): Params {
  const params: Params = {};
  for (const dim of space) params[dim.name] = dim.kind === 'choice' ? rng.pick(dim.choices) : fromUnit(dim, rng.next());
  return params;
}
