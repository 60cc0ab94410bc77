import { describe, expect, test } from 'vitest';
import { learningRateAt, parseSchedule } from './schedules';

describe('learning-rate schedules', () => {
  test('step decays by gamma every N epochs', () => {
    const s = parseSchedule('step:2:0.5');
    expect([0, 1, 2, 3, 4].map((e) => learningRateAt(s, 0.1, e, 5))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });
  test('cosine goes from the base rate to the floor over the run', () => {
    const s = parseSchedule('cosine:0.1');
    expect(learningRateAt(s, 1, 0, 5)).toBeCloseTo(1);
    expect(learningRateAt(s, 1, 2, 5)).toBeCloseTo(0.55);
    expect(learningRateAt(s, 1, 4, 5)).toBeCloseTo(0.1);
  });
  test('bad schedules name the problem', () => {
    expect(() => parseSchedule('step:0:0.5')).toThrow(/EVERY/);
    expect(() => parseSchedule('linear')).toThrow(/expected constant/);
  });
});
