/** How the next trial's parameters are chosen: grid, random, or bayes (TPE). */
import { AppError } from '../../api/errors.js';
import type { Rng } from '../augment/index.js';
import { gridSchedule } from './grid.js';
import { sampleSpace, type Params, type SearchSpace } from './space.js';
import { suggestTpe, type Observation, type TpeOptions } from './tpe.js';

export type StrategySpec =
  | 'grid'
  | 'random'
  | 'bayes'
  | { kind: 'grid'; /** Values per numeric dimension (default 3). */ pointsPerDim?: number }
  | { kind: 'random' }
  | ({
      kind: 'bayes';
      /** Random trials before TPE takes over (default: a quarter of the budget, between 3 and 10). */
      startupTrials?: number;
    } & TpeOptions);

export type StrategyKind = 'grid' | 'random' | 'bayes';

/** Proposes trials one at a time from the finished ones; null when it has nothing left (a finished grid). */
export interface Strategy {
  readonly kind: StrategyKind;
  /** How many points it can propose at most, when that is less than the budget (a grid). */
  readonly size?: number;
  next(history: readonly Observation[]): Params | null;
}

export function createStrategy(spec: StrategySpec, space: SearchSpace, trials: number, rng: Rng): Strategy {
  const s = typeof spec === 'string' ? { kind: spec } : spec;
  switch (s.kind) {
    case 'grid': {
      const schedule = gridSchedule(space, 'pointsPerDim' in s && s.pointsPerDim !== undefined ? s.pointsPerDim : 3, trials, rng);
      let i = 0;
      return { kind: 'grid', size: schedule.length, next: () => schedule[i++] ?? null };
    }
    case 'random':
      return { kind: 'random', next: () => sampleSpace(space, rng) };
    case 'bayes': {
      const options = s as Extract<StrategySpec, { kind: 'bayes' }>;
      const startup = options.startupTrials ?? Math.max(3, Math.min(10, Math.ceil(trials / 4)));
      if (options.gamma !== undefined && !(options.gamma > 0 && options.gamma < 1)) {
        throw new AppError('INVALID_INPUT', `TPE gamma must be between 0 and 1, got ${options.gamma}`);
      }
      return {
        kind: 'bayes',
        next: (history) => (history.length < startup ? sampleSpace(space, rng) : suggestTpe(space, history, rng, options)),
      };
    }
    default:
      throw new AppError('INVALID_INPUT', `Unknown search strategy "${String((s as { kind: unknown }).kind)}"; use grid, random or bayes.`);
  }
}
