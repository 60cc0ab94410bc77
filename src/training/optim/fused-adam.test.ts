import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmWithTrainingKernels } from '../../test-support/wasm-kernels.js';
import { ADAM_STEP } from '../backend/wasm-kernels/adam-step';
import { FusedAdamOptimizer } from './fused-adam';
import { setLearningRate } from './optimizers';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

// Shapes with and without a tail past the last multiple of 4 (the JavaScript path), and a dense
// kernel the size of the small CNN's.
const SHAPES = [[7], [3, 3, 1, 32], [3136, 128], [10]];

/** Runs `steps` Adam steps on fresh variables; returns the variables' and the slots' values. */
async function train(make: (lr: number) => tf.Optimizer, steps: number, tag: string): Promise<{ weights: Float32Array[]; slots: Float32Array[] }> {
  const vars = SHAPES.map((shape, k) => tf.variable(tf.tensor(values(shape.reduce((a, b) => a * b), k + 1), shape), true, `${tag}${k}`));
  const optimizer = make(0.01);
  for (let step = 0; step < steps; step++) {
    if (step === 2) setLearningRate(optimizer, 0.003); // a schedule changing the rate between steps
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, k) => { grads[v.name] = tf.tensor(values(v.size, 100 * step + k + 7), v.shape); });
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const weights = vars.map((v) => v.dataSync() as Float32Array);
  const slots = (await optimizer.getWeights()).map((w) => Float32Array.from(w.tensor.dataSync()));
  optimizer.dispose();
  tf.dispose(vars);
  return { weights, slots };
}

describe('FusedAdamOptimizer', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('gives bit for bit the weights and slots of tf.train.adam on wasm', async () => {
    const fused = await train((lr) => new FusedAdamOptimizer(lr, 0.9, 0.999), 4, 'fused');
    const stock = await train((lr) => tf.train.adam(lr), 4, 'stock');
    expect(fused.slots.length).toBe(stock.slots.length); // iterations, then m and v per variable
    fused.weights.forEach((w, k) => expect(w).toEqual(stock.weights[k]));
    fused.slots.forEach((s, k) => expect(s).toEqual(stock.slots[k]));
    // And it did train: the weights moved.
    expect(fused.weights[0]).not.toEqual(values(7, 1));
  });

  it('updates each variable with one fused kernel', async () => {
    const v = tf.variable(tf.tensor(values(12, 9), [12]), true, 'profiled');
    const optimizer = new FusedAdamOptimizer(0.01, 0.9, 0.999);
    const g = tf.tensor(values(12, 10), [12]);
    optimizer.applyGradients({ [v.name]: g }); // creates the slots
    const profile = await tf.profile(() => optimizer.applyGradients({ [v.name]: g }));
    const names = profile.kernels.map((k) => k.name);
    expect(names.filter((n) => n === ADAM_STEP)).toHaveLength(1);
    expect(names).not.toContain('Sqrt');
    tf.dispose([v, g]);
    optimizer.dispose();
  });

  it('resumes from saved slots exactly like tf.train.adam', async () => {
    const v = tf.variable(tf.tensor(values(9, 3), [9]), true, 'resumed');
    const first = new FusedAdamOptimizer(0.01, 0.9, 0.999);
    first.applyGradients({ [v.name]: tf.tensor(values(9, 4), [9]) });
    const saved = await first.getWeights();
    const start = v.dataSync().slice();
    const next = (opt: tf.Optimizer) => {
      v.assign(tf.tensor(start, [9]));
      opt.applyGradients({ [v.name]: tf.tensor(values(9, 5), [9]) });
      return v.dataSync().slice();
    };
    const fused = new FusedAdamOptimizer(0.01, 0.9, 0.999);
    await fused.setWeights(saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    const stock = tf.train.adam(0.01);
    await stock.setWeights(saved.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
    expect(next(fused)).toEqual(next(stock));
  });
});
