import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

describe('Cast on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  it('matches the cpu backend for a same-dtype cast (shared data)', async () => {
    expect(await compareWithCpu(tf.Cast, { x: randomTensor([3, 7], 1) }, { dtype: 'float32' })).toBe(0);
  });

  it('matches the cpu backend for real conversions (delegated)', async () => {
    const ints = { values: Int32Array.from([-3, 0, 5, 7]), shape: [4] };
    expect(await compareWithCpu(tf.Cast, { x: ints }, { dtype: 'float32' })).toBe(0);
    const floats = { values: Float32Array.from([-3.7, 0, 0.2, 7.9]), shape: [4] };
    expect(await compareWithCpu(tf.Cast, { x: floats }, { dtype: 'int32' })).toBe(0);
  });

  it('keeps its values when the input is disposed', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1.5, -2], [2]);
    const y = tf.cast(x, 'float32');
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2]);
    y.dispose();
  });
});
