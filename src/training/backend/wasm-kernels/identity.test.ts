import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

describe('Identity on wasm (shared data)', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('matches the cpu backend', async () => {
    expect(await compareWithCpu(tf.Identity, { x: randomTensor([3, 4, 5], 1) }, {})).toBe(0);
  });

  it('keeps its values when the input is disposed, and the input when the output is', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x); // the Identity kernel
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    const z = tf.clone(y);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1, 2, 3, 4]);
    z.dispose();
  });

  it('does not leak tensor memory', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numBytes;
    const x = tf.ones([64, 64]);
    const y = tf.clone(x);
    tf.dispose([x, y]);
    expect(tf.memory().numBytes).toBe(before);
  });
});
