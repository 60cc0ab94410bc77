import { describe, expect, test } from 'vitest';
import { evaluateClassification, topKAccuracy, predictedClasses, accuracy } from './index.js';

// Three classes; "bird" is never predicted.
//   i  true   probs (cat, dog, bird)   predicted
//   0  cat    0.70 0.20 0.10          cat   right
//   1  cat    0.35 0.65 0.00          dog   wrong, confidence 0.65
//   2  dog    0.10 0.80 0.10          dog   right
//   3  dog    0.50 0.40 0.10          cat   wrong, confidence 0.50
//   4  bird   0.20 0.50 0.30          dog   wrong, confidence 0.50
//   5  bird   0.60 0.35 0.05          cat   wrong, confidence 0.60
const names = ['cat', 'dog', 'bird'];
const labels = [0, 0, 1, 1, 2, 2];
const probs = new Float32Array([
  0.7, 0.2, 0.1, //
  0.35, 0.65, 0, //
  0.1, 0.8, 0.1, //
  0.5, 0.4, 0.1, //
  0.2, 0.5, 0.3, //
  0.6, 0.35, 0.05,
]);

describe('evaluateClassification', () => {
  const e = evaluateClassification(labels, probs, names, { topK: 2 });

  test('accuracy and top-2 accuracy', () => {
    expect(e.n).toBe(6);
    expect(e.accuracy).toBeCloseTo(2 / 6, 12);
    // Only example 5 has its true class (bird, 0.05) outside the two most probable.
    expect(e.topK).toEqual({ k: 2, accuracy: 5 / 6 });
  });

  test('confusion matrix: rows are true classes, columns predicted', () => {
    expect(e.confusion).toEqual([
      [1, 1, 0],
      [1, 1, 0],
      [1, 1, 0],
    ]);
  });

  test('per-class precision, recall, F1, with 0 for the class never predicted', () => {
    // cat: TP 1, predicted 3, support 2 -> P 1/3, R 1/2, F1 2*(1/6)/(5/6) = 2/5. dog: the same.
    // bird: never predicted -> precision undefined -> 0; recall 0/2 = 0; F1 0.
    const rows = e.perClass.map((m) => [m.name, m.precision, m.recall, m.f1, m.support, m.predicted]);
    const expected = [
      ['cat', 1 / 3, 1 / 2, 2 / 5, 2, 3],
      ['dog', 1 / 3, 1 / 2, 2 / 5, 2, 3],
      ['bird', 0, 0, 0, 2, 0],
    ];
    rows.forEach((row, c) => {
      expect(row[0]).toBe(expected[c]![0]);
      for (let j = 1; j < 6; j++) expect(row[j]).toBeCloseTo(expected[c]![j] as number, 12);
    });
  });

  test('macro averages count every class equally', () => {
    expect(e.macro.precision).toBeCloseTo(2 / 9, 12); // (1/3 + 1/3 + 0) / 3
    expect(e.macro.recall).toBeCloseTo(1 / 3, 12); // (1/2 + 1/2 + 0) / 3
    expect(e.macro.f1).toBeCloseTo(4 / 15, 12); // (2/5 + 2/5 + 0) / 3
  });

  test('misclassified examples, most confident first, ties by index', () => {
    expect(e.misclassified.map((m) => [m.index, m.trueName, m.predictedName])).toEqual([
      [1, 'cat', 'dog'],
      [5, 'bird', 'cat'],
      [3, 'dog', 'cat'],
      [4, 'bird', 'dog'],
    ]);
    const first = e.misclassified[0]!;
    expect(first.confidence).toBeCloseTo(0.65, 6);
    expect(first.trueProbability).toBeCloseTo(0.35, 6);
    expect([first.trueClass, first.predictedClass]).toEqual([0, 1]);
  });

  test('top-k defaults to 5 capped at the number of classes', () => {
    expect(evaluateClassification(labels, probs, names).topK).toEqual({ k: 3, accuracy: 1 });
  });
});

describe('edge cases', () => {
  test('ties go to the lowest class index, and top-1 accuracy equals accuracy', () => {
    const p = new Float32Array([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(predictedClasses(p, 2))).toEqual([0, 0]);
    expect(accuracy([1, 0], predictedClasses(p, 2))).toBe(0.5);
    expect(topKAccuracy([1, 0], p, 2, 1)).toBe(0.5);
    expect(topKAccuracy([1, 0], p, 2, 2)).toBe(1);
  });

  test('no examples gives zeros, not NaN', () => {
    const e = evaluateClassification([], new Float32Array(0), ['a', 'b']);
    expect(e.accuracy).toBe(0);
    expect(e.macro).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(e.confusion).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  test('inconsistent inputs are refused with a clear message', () => {
    expect(() => evaluateClassification([0, 1], new Float32Array(5), ['a', 'b'])).toThrow(/expected 2 examples x 2 classes/);
    expect(() => evaluateClassification([0, 2], new Float32Array(4), ['a', 'b'])).toThrow(/label 1 is 2/);
  });
});
