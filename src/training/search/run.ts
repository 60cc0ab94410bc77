/**
 * The search driver: asks the strategy for parameters, runs the objective (typically a short
 * training run returning validation accuracy), records every trial, and stops when the budget is
 * spent, the grid is exhausted or the signal aborts. Trials run one after another: each one
 * already uses every core the training backend can use.
 */
import { AppError } from '../../api/errors.js';
import { createRng } from '../augment/index.js';
import { checkSpace, type Params, type SearchSpace } from './space.js';
import { createStrategy, type StrategyKind, type StrategySpec } from './strategy.js';

export interface TrialResult {
  /** 0-based, in the order trials were started. */
  index: number;
  params: Params;
  /** The objective's value (higher is better); null when the trial failed or was cancelled. */
  score: number | null;
  status: 'ok' | 'failed' | 'cancelled';
  /** Why the trial failed, for the results table. */
  error?: string;
  durationMs: number;
}

export interface SearchProgress {
  done: number;
  total: number;
  best: TrialResult | null;
}

export type Objective = (params: Params, context: { signal: AbortSignal; trial: number }) => Promise<number> | number;

export interface SearchOptions {
  space: SearchSpace;
  strategy: StrategySpec;
  /** Trial budget (a grid may run fewer when it has fewer points). */
  trials: number;
  seed: number;
  /** Higher is better. A throw or a non-finite value marks the trial failed and the search goes on. */
  objective: Objective;
  /** Called after every trial, in order; `total` is the budget, or the grid size when smaller. */
  onTrial?: (trial: TrialResult, progress: SearchProgress) => void;
  /** Cooperative cancel: no new trial starts after an abort, and the running one gets the signal. */
  signal?: AbortSignal;
}

export interface SearchResult {
  strategy: StrategyKind;
  /** Every trial, best first: ok trials by score (ties by index), then failed, then cancelled. */
  results: TrialResult[];
  /** The best ok trial, or null when none succeeded. */
  best: { params: Params; score: number; index: number } | null;
  /** True when the signal aborted before the budget was spent. */
  cancelled: boolean;
}

export async function runSearch(options: SearchOptions): Promise<SearchResult> {
  const { space, trials, seed, objective, onTrial } = options;
  checkSpace(space);
  if (!Number.isInteger(trials) || trials < 1) throw new AppError('INVALID_INPUT', `The number of trials must be a positive integer, got ${trials}.`);
  const signal = options.signal ?? new AbortController().signal;
  const strategy = createStrategy(options.strategy, space, trials, createRng(seed));
  const total = Math.min(trials, strategy.size ?? trials);

  const done: TrialResult[] = [];
  let best: TrialResult | null = null;
  let cancelled = false;
  for (let index = 0; index < trials; index++) {
    if (signal.aborted) {
      cancelled = true;
      break;
    }
    const params = strategy.next(done);
    if (params === null) break;
    const started = performance.now();
    let trial: TrialResult;
    try {
      const score = await objective({ ...params }, { signal, trial: index });
      trial = Number.isFinite(score)
        ? { index, params, score, status: 'ok', durationMs: 0 }
        : { index, params, score: null, status: 'failed', error: `the objective returned ${String(score)}`, durationMs: 0 };
    } catch (err) {
      // A rejection after an abort is the trial stopping because we asked it to, not a failure.
      trial = signal.aborted
        ? { index, params, score: null, status: 'cancelled', durationMs: 0 }
        : { index, params, score: null, status: 'failed', error: err instanceof Error ? err.message : String(err), durationMs: 0 };
    }
    trial.durationMs = performance.now() - started;
    done.push(trial);
    if (trial.status === 'ok' && (best === null || (trial.score as number) > (best.score as number))) best = trial;
    onTrial?.(trial, { done: done.length, total, best });
    if (trial.status === 'cancelled') {
      cancelled = true;
      break;
    }
  }
  if (signal.aborted) cancelled = true;

  return {
    strategy: strategy.kind,
    results: sortResults(done),
    best: best === null ? null : { params: best.params, score: best.score as number, index: best.index },
    cancelled,
  };
}

const STATUS_ORDER = { ok: 0, failed: 1, cancelled: 2 } as const;

function sortResults(trials: TrialResult[]): TrialResult[] {
  return [...trials].sort(
    (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || (b.score ?? 0) - (a.score ?? 0) || a.index - b.index,
  );
}
