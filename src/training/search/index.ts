/**
 * Hyperparameter search: a space of named dimensions, three strategies (grid, random, and bayes =
 * TPE), and a cancellable driver that returns every trial best first.
 *
 *   const { best, results } = await runSearch({
 *     space: trainingSearchSpace(), strategy: 'bayes', trials: 20, seed,
 *     objective: (params, { signal }) => trainAndValidate(params, signal), signal,
 *   });
 */
export {
  checkSpace,
  fromUnit,
  OPTIMIZERS,
  sampleSpace,
  toUnit,
  trainingSearchSpace,
  type ChoiceDimension,
  type Dimension,
  type FloatDimension,
  type IntDimension,
  type LogFloatDimension,
  type NumericDimension,
  type OptimizerName,
  type Params,
  type ParamValue,
  type SearchSpace,
} from './space.js';
export { gridPoints, gridSchedule, gridValues } from './grid.js';
export { suggestTpe, type Observation, type TpeOptions } from './tpe.js';
export { createStrategy, type Strategy, type StrategyKind, type StrategySpec } from './strategy.js';
export {
  runSearch,
  type Objective,
  type SearchOptions,
  type SearchProgress,
  type SearchResult,
  type TrialResult,
} from './run.js';
