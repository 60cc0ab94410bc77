import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { overrideWasmKernel } from './register.js';
import { simplifyTile, tileConfig } from './tile.js';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

const cases: { name: string; shape: number[]; reps: number[] }[] = [
  { name: 'batch-norm gradient: [1,1,1,C] up to [N,H,W,C]', shape: [1, 1, 1, 6], reps: [3, 5, 4, 1] },
  { name: 'every axis repeated', shape: [2, 3, 4], reps: [2, 3, 2] },
  { name: 'a trailing axis of size 1 repeated (each value repeated)', shape: [5, 1], reps: [1, 7] },
  { name: 'interior size-1 axis', shape: [3, 1, 4], reps: [2, 5, 1] },
  { name: 'no repeats (a copy)', shape: [2, 3, 4], reps: [1, 1, 1] },
  { name: 'rank 1', shape: [5], reps: [3] },
  { name: 'rank 5, mixed', shape: [2, 1, 3, 1, 2], reps: [1, 3, 2, 4, 1] },
];

describe('Tile on wasm', () => {
  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    overrideWasmKernel(tileConfig);
  });

  for (const c of cases) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      expect(await compareWithCpu(tf.Tile, { x: randomTensor(c.shape, 7) }, { reps: c.reps })).toBe(0);
    });
  }

  it('matches the cpu backend for int32 and bool tensors', async () => {
    const xi = { values: Int32Array.from({ length: 6 }, (_, i) => i * 3 - 4), shape: [2, 3] };
    expect(await compareWithCpu(tf.Tile, { x: xi }, { reps: [3, 2] })).toBe(0);
    await tf.setBackend('wasm');
    const b = tf.tidy(() => tf.tile(tf.tensor([true, false, true], [3, 1], 'bool'), [2, 2]).arraySync());
    expect(b).toEqual([[1, 1], [0, 0], [1, 1], [1, 1], [0, 0], [1, 1]]);
  });

  it('simplifies the batch-norm case to one vector copied N*H*W times', () => {
    expect(simplifyTile([1, 1, 1, 32], [16, 96, 96, 1])).toEqual({ dims: [32], reps: [16 * 96 * 96] });
    expect(simplifyTile([4, 5, 6], [1, 1, 2])).toEqual({ dims: [20, 6], reps: [1, 2] });
  });
});
