import { describe, expect, test } from 'vitest';
import { classMapping, entropy, margin, soften, toProjectOrder } from './soft-labels';
import { softmaxWithTemperature } from '../training/losses/distillation';

describe('soft labels', () => {
  test('softening probabilities equals softmax(z / T) of the logits', () => {
    const z = [2, 1, 0, -1];
    const p = softmaxWithTemperature(z, 1);
    for (const T of [1, 2, 4]) {
      const expected = softmaxWithTemperature(z, T);
      soften(p, T).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    }
  });
  test('entropy and margin by hand', () => {
    expect(entropy([0.5, 0.5])).toBeCloseTo(Math.log(2), 10);
    expect(entropy([1, 0])).toBe(0);
    expect(margin([0.1, 0.6, 0.3])).toBeCloseTo(0.3, 10);
  });
  test('teacher classes map to project classes by name; unknown ones are dropped and the rest renormalized', () => {
    const m = classMapping(['Dog', 'cat', 'bird'], [{ id: 7, name: 'cat' }, { id: 9, name: 'dog' }]);
    expect(m).toEqual({ index: [1, 0, null], unmapped: ['bird'] });
    const p = toProjectOrder([0.3, 0.5, 0.2], m.index, 2)!;
    expect(p[0]).toBeCloseTo(0.625, 10);
    expect(p[1]).toBeCloseTo(0.375, 10);
    expect(toProjectOrder([0, 0, 1], m.index, 2)).toBeNull();
  });
});
