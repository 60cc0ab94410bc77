import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type HostTensor, compareWithCpu, randomTensor, runKernelOn, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

/** Inputs with many ties (values from {0, 1, 2}), the case where "which maximum" matters. */
function tiedTensor(shape: number[], seed: number): HostTensor {
  const t = randomTensor(shape, seed);
  for (let i = 0; i < t.values.length; i++) t.values[i] = Math.floor((t.values[i]! + 1.5) * 1.5) % 3;
  return t;
}

async function check(
  x: HostTensor, filterSize: [number, number], strides: [number, number], pad: 'same' | 'valid',
): Promise<number> {
  const attrs = { filterSize, strides, pad, dimRoundingMode: undefined };
  const output = await runKernelOn('cpu', tf.MaxPool, { x }, attrs);
  const dy = randomTensor(output.shape, 7);
  return compareWithCpu(tf.MaxPoolGrad, { dy, input: x, output }, attrs);
}

describe('MaxPoolGrad on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  // Channel counts divisible by 4 take the wasm SIMD kernel for 2x2 / stride 2; others JavaScript.
  const shapes: [string, number[]][] = [
    ['even', [2, 8, 6, 3]],
    ['odd', [2, 7, 9, 5]],
    ['even, 8 channels', [2, 8, 6, 8]],
    ['odd, 4 channels', [3, 7, 9, 4]],
  ];
  for (const [label, shape] of shapes) {
    it(`2x2 stride 2 valid, ${label} sizes (unrolled path)`, async () => {
      expect(await check(randomTensor(shape, 1), [2, 2], [2, 2], 'valid')).toBeLessThan(1e-6);
    });
    it(`2x2 stride 2 valid with ties, ${label} sizes`, async () => {
      expect(await check(tiedTensor(shape, 2), [2, 2], [2, 2], 'valid')).toBeLessThan(1e-6);
    });
    it(`2x2 stride 2 same, ${label} sizes (generic path when padded)`, async () => {
      expect(await check(tiedTensor(shape, 3), [2, 2], [2, 2], 'same')).toBeLessThan(1e-6);
    });
    it(`3x3 stride 2 same, ${label} sizes`, async () => {
      expect(await check(tiedTensor(shape, 4), [3, 3], [2, 2], 'same')).toBeLessThan(1e-6);
    });
    it(`3x3 stride 1 same (overlapping windows), ${label} sizes`, async () => {
      expect(await check(randomTensor(shape, 5), [3, 3], [1, 1], 'same')).toBeLessThan(1e-5);
    });
    it(`3x2 window stride 1x2 valid, ${label} sizes`, async () => {
      expect(await check(tiedTensor(shape, 6), [3, 2], [1, 2], 'valid')).toBeLessThan(1e-5);
    });
  }

  for (const c of [2, 4]) {
    it(`handles NaN and -Infinity like the cpu backend, ${c} channels`, async () => {
      const x = randomTensor([1, 4, 6, c], 8);
      const at = (y: number, col: number, ch: number) => (y * 6 + col) * c + ch;
      x.values[at(0, 0, 0)] = NaN; // first element of a window
      x.values[at(1, 3, 1)] = NaN; // last element of another
      for (const [y, col] of [[2, 2], [2, 3], [3, 2], [3, 3]] as const) x.values[at(y, col, 0)] = -Infinity;
      expect(await check(x, [2, 2], [2, 2], 'valid')).toBeLessThan(1e-6);
      expect(await check(x, [3, 3], [1, 1], 'same')).toBeLessThan(1e-6);
    });
  }
});
