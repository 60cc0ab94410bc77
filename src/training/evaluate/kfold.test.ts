import { describe, expect, test } from 'vitest';
import { kfoldSplits, meanAndStd } from './index.js';

describe('kfoldSplits', () => {
  test('test folds partition the examples, sizes differ by at most one, train is the complement', () => {
    const folds = kfoldSplits(10, 3, 1);
    expect(folds.map((f) => f.test.length)).toEqual([4, 3, 3]);
    const all = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const f of folds) {
      expect([...f.train, ...f.test].sort((a, b) => a - b)).toEqual(all);
      expect(f.test).toEqual([...f.test].sort((a, b) => a - b));
    }
  });

  test('same seed, same folds; another seed, other folds', () => {
    expect(kfoldSplits(20, 4, 7)).toEqual(kfoldSplits(20, 4, 7));
    expect(kfoldSplits(20, 4, 8)).not.toEqual(kfoldSplits(20, 4, 7));
  });

  test('with labels every fold gets its share of every class', () => {
    // 6 of class 0, 3 of class 1, 3 of class 2 -> each of 3 folds: 2 + 1 + 1.
    const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    for (const seed of [1, 2, 3]) {
      for (const fold of kfoldSplits(12, 3, seed, labels)) {
        const counts = [0, 0, 0];
        for (const i of fold.test) counts[labels[i]!]! += 1;
        expect(counts).toEqual([2, 1, 1]);
      }
    }
  });

  test('refuses impossible requests', () => {
    expect(() => kfoldSplits(3, 5, 0)).toThrow(/5 folds from 3/);
    expect(() => kfoldSplits(10, 1, 0)).toThrow(/k must be/);
    expect(() => kfoldSplits(4, 2, 0, [0, 1])).toThrow(/labels has 2/);
  });
});

describe('meanAndStd', () => {
  test('sample standard deviation', () => {
    // mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32; sample variance 32/7.
    const { mean, std } = meanAndStd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(mean).toBe(5);
    expect(std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(meanAndStd([0.8])).toEqual({ mean: 0.8, std: 0 });
    expect(() => meanAndStd([])).toThrow();
  });
});
