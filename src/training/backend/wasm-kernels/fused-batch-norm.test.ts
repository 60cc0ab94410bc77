import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementwiseSimd } from '../simd/elementwise-simd.js';
import type { BackendWasm } from '../wasm-internals.js';
import { overrideWasmKernel } from './register.js';
import { fusedBatchNormConfig } from './fused-batch-norm.js';
import { type HostTensor, compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

/** Positive variances around 1 (and one tiny one, where eps matters). */
function variances(c: number, seed: number): HostTensor {
  const t = randomTensor([c], seed);
  for (let i = 0; i < c; i++) t.values[i] = i === 1 ? 1e-6 : 0.5 + Math.abs(t.values[i] as number);
  return t;
}

describe('FusedBatchNorm on wasm', () => {
  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    overrideWasmKernel(fusedBatchNormConfig);
  });

  it('has the SIMD kernels on this runtime (so the cases below test them)', async () => {
    await tf.setBackend('wasm');
    expect(elementwiseSimd(tf.backend() as BackendWasm)).not.toBeNull();
  });

  const cases: { name: string; x: number[]; vector: number[]; eps: number }[] = [
    { name: 'NHWC with [C] vectors', x: [3, 5, 4, 8], vector: [8], eps: 1e-3 },
    { name: 'matrix with [C] vectors (dense layers)', x: [7, 12], vector: [12], eps: 1e-5 },
    { name: '[1, 1, 1, C] vectors', x: [2, 3, 3, 4], vector: [1, 1, 1, 4], eps: 1e-3 },
    { name: '6 channels (delegated)', x: [2, 3, 3, 6], vector: [6], eps: 1e-3 },
  ];
  for (const c of cases) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      const ch = c.vector[c.vector.length - 1]!;
      const inputs = {
        x: randomTensor(c.x, 51), mean: { ...randomTensor([ch], 52), shape: c.vector }, variance: { ...variances(ch, 53), shape: c.vector },
        scale: { ...randomTensor([ch], 54), shape: c.vector }, offset: { ...randomTensor([ch], 55), shape: c.vector },
      };
      expect(await compareWithCpu(tf.FusedBatchNorm, inputs, { varianceEpsilon: c.eps })).toBeLessThan(2e-6);
    });
  }

  it('goes to the original kernel without scale and offset', async () => {
    const inputs = { x: randomTensor([2, 4, 8], 61), mean: randomTensor([8], 62), variance: variances(8, 63) };
    expect(await compareWithCpu(tf.FusedBatchNorm, inputs, { varianceEpsilon: 1e-3 })).toBeLessThan(2e-6);
  });
});
