import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

describe('Sum on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  const x = randomTensor([4, 5, 3, 6], 1);
  const cases: { name: string; axis: number | number[] | null; keepDims: boolean }[] = [
    { name: 'leading axis (bias gradient of a dense layer)', axis: 0, keepDims: false },
    { name: 'three leading axes (bias gradient of a conv layer)', axis: [0, 1, 2], keepDims: false },
    { name: 'leading axes given out of order, keepDims', axis: [1, 0], keepDims: true },
    { name: 'an interior axis (delegated)', axis: 1, keepDims: false },
    { name: 'the last axis as -1 (delegated)', axis: -1, keepDims: true },
    { name: 'all axes (delegated)', axis: null, keepDims: false },
  ];
  for (const c of cases) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      const error = await compareWithCpu(tf.Sum, { x }, { axis: c.axis, keepDims: c.keepDims });
      expect(error).toBeLessThan(1e-5);
    });
  }

  // More than one 64-row block and a partial last block, channels divisible by 4: the SIMD path.
  const big = randomTensor([3, 50, 7, 8], 2);
  for (const keepDims of [false, true]) {
    it(`matches the cpu backend on many rows (wasm SIMD block sums), keepDims=${keepDims}`, async () => {
      const error = await compareWithCpu(tf.Sum, { x: big }, { axis: [0, 1, 2], keepDims });
      expect(error).toBeLessThan(1e-5);
    });
  }
  it('matches the cpu backend on many rows with 6 columns (JavaScript path)', async () => {
    const error = await compareWithCpu(tf.Sum, { x: randomTensor([70, 6], 3) }, { axis: 0, keepDims: false });
    expect(error).toBeLessThan(1e-5);
  });

  it('matches the cpu backend for int32 input (delegated)', async () => {
    const xi = { values: Int32Array.from({ length: 24 }, (_, i) => i - 7), shape: [4, 6] };
    const error = await compareWithCpu(tf.Sum, { x: xi }, { axis: 0, keepDims: false });
    expect(error).toBe(0);
  });
});
