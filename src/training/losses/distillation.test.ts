import { describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { distillationLoss, packDistillationTargets, softmaxWithTemperature } from './distillation';

describe('knowledge distillation', () => {
  test('soft labels at temperature T are softmax(z / T)', () => {
    // z = [2, 1, 0], T = 2: exp([1, 0.5, 0]) / sum = [2.71828, 1.64872, 1] / 5.36700
    const p = softmaxWithTemperature([2, 1, 0], 2);
    expect(p[0]).toBeCloseTo(0.506480, 5);
    expect(p[1]).toBeCloseTo(0.307196, 5);
    expect(p[2]).toBeCloseTo(0.186324, 5);
    // Higher T flattens, T = 1 is the plain softmax.
    expect(softmaxWithTemperature([2, 1, 0], 10)[0]).toBeLessThan(p[0]!);
    expect(softmaxWithTemperature([2, 1, 0], 1)[0]).toBeCloseTo(0.665241, 5);
  });

  test('the loss equals alpha * T^2 * KL + (1 - alpha) * CE, computed by hand', async () => {
    await tf.setBackend('cpu');
    const logits = tf.tensor2d([[1, 0]]);
    const soft = new Float32Array([0.8, 0.2]);
    const hard = new Float32Array([0, 1]);
    const T = 2;
    const alpha = 0.7;
    const targets = tf.tensor2d(packDistillationTargets(soft, hard, 1, 2, alpha, T), [1, 6]);
    // Student at T=2: softmax([0.5, 0]) = [0.622459, 0.377541]
    const q = [0.622459, 0.377541];
    const kl = 0.8 * Math.log(0.8 / q[0]!) + 0.2 * Math.log(0.2 / q[1]!);
    // CE against class 1 at T=1: -log softmax([1, 0])[1] = -log(0.268941)
    const ce = -Math.log(0.268941);
    const expected = alpha * T * T * kl + (1 - alpha) * ce;
    expect(distillationLoss(logits, targets).dataSync()[0]).toBeCloseTo(expected, 4);
  });

  test('rows without a soft label get the cross-entropy alone; alpha 1 is pure distillation', async () => {
    await tf.setBackend('cpu');
    const logits = tf.tensor2d([[1, 0], [0.5, 0.5]]);
    const hard = new Float32Array([0, 1, 1, 0]);
    const soft = new Float32Array([0.5, 0.5, 0.9, 0.1]);
    const rows = tf.tensor2d(packDistillationTargets(soft, hard, 2, 2, 0.5, 3, (i) => i === 1), [2, 6]);
    const ce0 = -Math.log(0.268941);
    const q1 = [0.5, 0.5];
    const kl1 = 0.9 * Math.log(0.9 / q1[0]!) + 0.1 * Math.log(0.1 / q1[1]!);
    const ce1 = -Math.log(0.5);
    const expected = (ce0 + (0.5 * 9 * kl1 + 0.5 * ce1)) / 2;
    expect(distillationLoss(logits, rows).dataSync()[0]).toBeCloseTo(expected, 4);

    const pure = tf.tensor2d(packDistillationTargets(new Float32Array([0.8, 0.2]), new Float32Array([0, 1]), 1, 2, 1, 1), [1, 6]);
    const q = [0.731059, 0.268941];
    expect(distillationLoss(tf.tensor2d([[1, 0]]), pure).dataSync()[0]).toBeCloseTo(0.8 * Math.log(0.8 / q[0]!) + 0.2 * Math.log(0.2 / q[1]!), 4);
  });

  test('a student matching the teacher exactly has zero distillation loss', async () => {
    await tf.setBackend('cpu');
    const z = [2, -1, 0.5];
    const soft = softmaxWithTemperature(z, 4);
    const targets = tf.tensor2d(packDistillationTargets(soft, new Float32Array([1, 0, 0]), 1, 3, 1, 4), [1, 8]);
    expect(distillationLoss(tf.tensor2d([z]), targets).dataSync()[0]).toBeCloseTo(0, 5);
  });
});
