import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { overrideWasmKernel } from './register.js';
import { meanConfig } from './mean.js';
import { compareWithCpu, randomTensor, runKernelOn, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

describe('Mean on wasm', () => {
  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    overrideWasmKernel(meanConfig);
  });

  const cases: { name: string; shape: number[]; axis: number | number[] | null; keepDims: boolean }[] = [
    { name: 'batch-norm moments: N, H, W of NHWC, keepDims', shape: [3, 9, 7, 8], axis: [0, 1, 2], keepDims: true },
    { name: 'N, H, W with 6 channels (JavaScript path)', shape: [2, 9, 7, 6], axis: [0, 1, 2], keepDims: false },
    { name: 'leading axis only', shape: [70, 12], axis: 0, keepDims: false },
    { name: 'leading axes given out of order', shape: [4, 5, 8], axis: [1, 0], keepDims: true },
    { name: 'spatial axes (global average pooling, delegated)', shape: [2, 5, 5, 4], axis: [1, 2], keepDims: false },
    { name: 'last axis (delegated)', shape: [4, 6], axis: -1, keepDims: true },
    { name: 'all axes (delegated)', shape: [4, 6], axis: null, keepDims: false },
  ];
  for (const c of cases) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      expect(await compareWithCpu(tf.Mean, { x: randomTensor(c.shape, 11) }, { axis: c.axis, keepDims: c.keepDims })).toBeLessThan(1e-6);
    });
  }

  it('keeps float32 precision over a long column (the original drifts by ~1e-4)', async () => {
    // 65,536 rows of 0.1 + small noise: a float32 running sum loses digits, float64 does not.
    const rows = 65536;
    const values = Float32Array.from({ length: rows * 4 }, (_, i) => 0.1 + ((i * 7919) % 13) * 1e-3);
    let exact = 0;
    for (let i = 0; i < values.length; i += 4) exact += values[i]!;
    exact /= rows;
    const out = await runKernelOn('wasm', tf.Mean, { x: { values, shape: [rows, 4] } }, { axis: 0, keepDims: false });
    expect(Math.abs(out.values[0]! - exact) / exact).toBeLessThan(1e-6);
  });
});
