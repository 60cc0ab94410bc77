import { describe, expect, test } from 'vitest';
import { createRng, restoreRng } from './index.js';

describe('seeded rng', () => {
  test('same seed, same stream; nearby seeds, different streams', () => {
    const a = createRng(1);
    const b = createRng(1);
    const c = createRng(2);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  test('state() and restoreRng continue the same sequence', () => {
    const a = createRng(99);
    a.next();
    const b = restoreRng(a.state());
    expect(b.next()).toBe(a.next());
  });

  test('beta(1, 1) is uniform on average and permutation is a permutation', () => {
    const r = createRng(5);
    let sum = 0;
    for (let i = 0; i < 4000; i++) sum += r.beta(1, 1);
    expect(sum / 4000).toBeCloseTo(0.5, 1);
    expect(Array.from(r.permutation(10)).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
