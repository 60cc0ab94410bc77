import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

describe('BatchMatMul on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  // Shapes are given before transposition. Wide B (many columns, few rows of A) takes the swapped
  // formulation (B^T A^T)^T; the others the direct one.
  const cases: { name: string; a: number[]; b: number[] }[] = [
    { name: 'rank 2, direct', a: [5, 7], b: [7, 3] },
    { name: 'rank 2, wide B (swapped)', a: [3, 40], b: [40, 64] },
    { name: 'rank 3 with batch 1, wide B (swapped)', a: [1, 3, 40], b: [1, 40, 64] },
    { name: 'rank 3 and rank 2 mixed, wide B (swapped)', a: [1, 3, 40], b: [40, 64] },
    { name: 'batched', a: [3, 5, 7], b: [3, 7, 4] },
    { name: 'broadcast batch', a: [1, 5, 7], b: [3, 7, 4] },
  ];
  for (const c of cases) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`matches the cpu backend: ${c.name}, transposeA=${transposeA}, transposeB=${transposeB}`, async () => {
          const swap = (s: number[]) => [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!];
          const a = randomTensor(transposeA ? swap(c.a) : c.a, 1);
          const b = randomTensor(transposeB ? swap(c.b) : c.b, 2);
          const error = await compareWithCpu(tf.BatchMatMul, { a, b }, { transposeA, transposeB });
          expect(error).toBeLessThan(1e-5);
        });
      }
    }
  }
});
