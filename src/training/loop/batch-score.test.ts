import { describe, expect, it } from 'vitest';
import { correctInBatch } from './batch-score';

describe('correctInBatch', () => {
  it('counts argmax hits against one-hot or blended targets', () => {
    const logits = Float32Array.from([2, 1, 0, /**/ 0, 3, 1, /**/ 0, 0, 5]);
    const targets = Float32Array.from([1, 0, 0, /**/ 0, 0, 1, /**/ 0.3, 0, 0.7]);
    expect(correctInBatch(logits, targets, 3, 3, 3, false)).toBe(2);
  });

  it('reads the hard part of distillation rows [soft | hard | alpha | T]', () => {
    const logits = Float32Array.from([0, 4, /**/ 4, 0]);
    // Row 0: the teacher says class 0, the label says class 1 (the model's answer): correct by the label.
    const targets = Float32Array.from([0.9, 0.1, 0, 1, 0.5, 2, /**/ 0.9, 0.1, 0, 1, 0.5, 2]);
    expect(correctInBatch(logits, targets, 2, 2, 6, false)).toBe(1);
  });

  it('counts exact matches of sigmoid >= 0.5 for multi-label rows', () => {
    const logits = Float32Array.from([1, -1, 2, /**/ 1, 1, -3]);
    const targets = Float32Array.from([1, 0, 1, /**/ 1, 0, 0]);
    expect(correctInBatch(logits, targets, 2, 3, 3, true)).toBe(1);
  });
});
