/**
 * Bayesian optimization by TPE, the Tree-structured Parzen Estimator (Bergstra et al., 2011;
 * the default sampler of hyperopt and Optuna).
 *
 * Instead of modelling score(x), TPE models where good and bad trials lie: the best `gamma`
 * share of trials gives a density l(x), the rest g(x), each a Parzen (kernel density)
 * estimator per dimension. Candidates are drawn from l and the one with the highest l(x)/g(x)
 * is proposed: it maximizes expected improvement under this model. Dimensions are treated as
 * independent (the "independent TPE" of hyperopt), which is robust with few trials.
 *
 * Numeric dimensions live in their unit interval (see space.ts), where each kernel is a Gaussian
 * truncated to [0, 1] and the prior is one wide kernel at the center. Choices use smoothed counts.
 */
import type { Rng } from '../augment/index.js';
import { normalCdf, normalPdf } from './normal.js';
import {
  fromUnit,
  sampleSpace,
  toUnit,
  type ChoiceDimension,
  type NumericDimension,
  type Params,
  type ParamValue,
  type SearchSpace,
} from './space.js';

export interface TpeOptions {
  /** Share of trials counted as "good", in (0, 1). Default 0.25 (hyperopt). */
  gamma?: number;
  /** Candidates drawn from l(x) per proposal. Default 24 (hyperopt, Optuna). */
  candidates?: number;
  /** Weight of the prior kernel relative to one observation. Default 1. */
  priorWeight?: number;
}

/** A finished trial as TPE sees it: failed trials have score null and count as the worst. */
export interface Observation {
  params: Params;
  score: number | null;
}

interface Estimator {
  sample(rng: Rng): number;
  logDensity(x: number): number;
}

/** Proposes the next point from finished trials (at least two, or it falls back to the prior). */
export function suggestTpe(space: SearchSpace, history: readonly Observation[], rng: Rng, options: TpeOptions = {}): Params {
  const { gamma = 0.25, candidates = 24, priorWeight = 1 } = options;
  if (history.length < 2) return sampleSpace(space, rng);
  // Best first; failed (null) last; ties keep trial order, so the split is deterministic.
  const ranked = history
    .map((h, i) => ({ h, i, s: h.score ?? -Infinity }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((r) => r.h);
  const nGood = Math.min(ranked.length - 1, Math.max(1, Math.ceil(gamma * ranked.length)));
  const good = ranked.slice(0, nGood);
  const bad = ranked.slice(nGood);

  const dims = space.map((dim) => {
    const l = estimator(dim, good.map((h) => h.params[dim.name]), priorWeight);
    const g = estimator(dim, bad.map((h) => h.params[dim.name]), priorWeight);
    return { dim, l, g };
  });

  let best: number[] = [];
  let bestScore = -Infinity;
  for (let c = 0; c < candidates; c++) {
    const x = dims.map(({ l }) => l.sample(rng));
    let score = 0;
    for (let d = 0; d < dims.length; d++) {
      const { l, g } = dims[d]!;
      score += l.logDensity(x[d] as number) - g.logDensity(x[d] as number);
    }
    if (score > bestScore || best.length === 0) {
      bestScore = score;
      best = x;
    }
  }

  const params: Params = {};
  dims.forEach(({ dim }, d) => {
    const x = best[d] as number;
    params[dim.name] = dim.kind === 'choice' ? (dim.choices[x] as ParamValue) : fromUnit(dim, x);
  });
  return params;
}

function estimator(dim: NumericDimension | ChoiceDimension, values: (ParamValue | undefined)[], priorWeight: number): Estimator {
  if (dim.kind === 'choice') {
    const indices = values.map((v) => dim.choices.indexOf(v as ParamValue)).filter((i) => i >= 0);
    return categorical(dim.choices.length, indices, priorWeight);
  }
  const units = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).map((v) => toUnit(dim, v));
  return parzen(units, priorWeight);
}

/** Counts smoothed by the prior spread evenly over the k choices. Samples and values are indices. */
function categorical(k: number, indices: number[], priorWeight: number): Estimator {
  const weights = new Array<number>(k).fill(priorWeight / k);
  for (const i of indices) weights[i]! += 1;
  const total = indices.length + priorWeight;
  return {
    sample(rng) {
      let u = rng.next() * total;
      for (let i = 0; i < k; i++) {
        u -= weights[i] as number;
        if (u < 0) return i;
      }
      return k - 1;
    },
    logDensity(x) {
      return Math.log((weights[x] as number) / total);
    },
  };
}

/**
 * A mixture of Gaussians truncated to [0, 1]: one kernel per observation plus the prior
 * (mean 0.5, sigma 1). Bandwidths follow hyperopt's adaptive rule: each kernel is as wide as the
 * larger gap to its neighbors, clipped to [1 / min(100, n + 1), 1], so dense clusters get narrow
 * kernels and isolated points wide ones.
 */
function parzen(observations: number[], priorWeight: number): Estimator {
  const points = observations.map((mu) => ({ mu, prior: false }));
  points.push({ mu: 0.5, prior: true });
  points.sort((a, b) => a.mu - b.mu);
  const n = points.length;
  const minSigma = 1 / Math.min(100, n);
  const kernels = points.map((p, i) => {
    let sigma = 1;
    if (!p.prior) {
      const left = i > 0 ? p.mu - (points[i - 1] as { mu: number }).mu : p.mu;
      const right = i < n - 1 ? (points[i + 1] as { mu: number }).mu - p.mu : 1 - p.mu;
      sigma = Math.min(1, Math.max(minSigma, left, right));
    }
    const mass = normalCdf((1 - p.mu) / sigma) - normalCdf((0 - p.mu) / sigma);
    return { mu: p.mu, sigma, weight: p.prior ? priorWeight : 1, mass: Math.max(mass, 1e-12) };
  });
  const totalWeight = kernels.reduce((s, k) => s + k.weight, 0);
  return {
    sample(rng) {
      let u = rng.next() * totalWeight;
      let kernel = kernels[kernels.length - 1]!;
      for (const k of kernels) {
        u -= k.weight;
        if (u < 0) {
          kernel = k;
          break;
        }
      }
      // Rejection sampling of the truncated normal: at least about half of the draws land in
      // [0, 1] for any kernel centered inside it; the clamp only guards against bad luck.
      for (let attempt = 0; attempt < 64; attempt++) {
        const x = rng.normal(kernel.mu, kernel.sigma);
        if (x >= 0 && x <= 1) return x;
      }
      return Math.min(1, Math.max(0, kernel.mu));
    },
    logDensity(x) {
      let p = 0;
      for (const k of kernels) p += (k.weight * normalPdf((x - k.mu) / k.sigma)) / (k.sigma * k.mass);
      return Math.log(p / totalWeight);
    },
  };
}
