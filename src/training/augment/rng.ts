/**
 * A small seeded random number generator, so a run started with `--seed S` draws the same
 * augmentations, the same search trials and the same K-fold splits on every machine and backend.
 *
 * mulberry32: one 32-bit word of state, fast, good enough statistically for augmentation and
 * sampling (it is not cryptographic). Math.random is never used by the training engine because it
 * cannot be seeded.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform in [lo, hi); returns lo when lo === hi. */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [lo, hi) (hi exclusive). */
  int(lo: number, hi: number): number;
  /** true with probability p. */
  bernoulli(p: number): boolean;
  /** Normal(mean, std) by Box-Muller. */
  normal(mean?: number, std?: number): number;
  /** Gamma(shape, 1), shape > 0 (Marsaglia-Tsang). */
  gamma(shape: number): number;
  /** Beta(a, b), a, b > 0 (CutMix draws its mixing ratio from Beta(alpha, alpha)). */
  beta(a: number, b: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array;
  /** An independent generator seeded from this one (e.g. one stream per worker or per trial). */
  fork(): Rng;
  /** The internal state; `restoreRng(state)` continues the exact same sequence (checkpoints). */
  state(): number;
}

/** Creates a generator. Any finite number is accepted; it is hashed so nearby seeds give unrelated streams. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  // Fold the integer and fractional parts into 32 bits, then scramble (splitmix-style finalizer)
  // so seeds 1, 2, 3 do not start mulberry32 in correlated states.
  const int = Math.trunc(seed);
  const low = int >>> 0;
  const high = Math.floor(int / 2 ** 32) >>> 0;
  const frac = Math.round((seed - int) * 2 ** 32) >>> 0;
  return new Mulberry32(mix32(low ^ mix32(high ^ mix32(frac ^ 0x9e3779b9))));
}

/** Continues a generator from `rng.state()`. */
export function restoreRng(state: number): Rng {
  return new Mulberry32(state >>> 0);
}

function mix32(x: number): number {
  let z = (x + 0x6d2b79f5) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

class Mulberry32 implements Rng {
  private s: number;

  constructor(state: number) {
    this.s = state >>> 0;
  }

  uint32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  next(): number {
    return this.uint32() / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(lo: number, hi: number): number {
    if (!(hi > lo)) throw new RangeError(`int(lo, hi) needs hi > lo, got [${lo}, ${hi})`);
    return lo + Math.floor(this.next() * (hi - lo));
  }

  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  normal(mean = 0, std = 1): number {
    // 1 - next() is in (0, 1], so the log is finite.
    const u = 1 - this.next();
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  gamma(shape: number): number {
    if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
    if (shape < 1) {
      // Boost: Gamma(a) = Gamma(a + 1) * U^(1/a).
      const u = 1 - this.next();
      return this.gamma(shape + 1) * Math.pow(u, 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.next();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x + y > 0 ? x / (x + y) : 0.5;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    return items[this.int(0, items.length)] as T;
  }

  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      const t = out[i] as number;
      out[i] = out[j] as number;
      out[j] = t;
    }
    return out;
  }

  fork(): Rng {
    return new Mulberry32(mix32(this.uint32() ^ 0x5bd1e995));
  }

  state(): number {
    return this.s;
  }
}
