import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementwiseSimd } from '../simd/elementwise-simd.js';
import type { BackendWasm } from '../wasm-internals.js';
import { overrideWasmKernel } from './register.js';
import { logicalAndConfig } from './logical-and.js';
import { useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

function bools(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => ((i * 2654435761 + seed * 40503) >>> 7) & 1);
}

async function on(backend: 'cpu' | 'wasm', a: Uint8Array, aShape: number[], b: Uint8Array, bShape: number[]) {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const out = tf.engine().runKernel(tf.LogicalAnd, { a: tf.tensor(a, aShape, 'bool'), b: tf.tensor(b, bShape, 'bool') }) as tf.Tensor;
    return { shape: out.shape, values: Array.from(out.dataSync()) };
  });
}

describe('LogicalAnd on wasm', () => {
  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    overrideWasmKernel(logicalAndConfig);
  });

  it('has the SIMD kernels on this runtime (so the cases below test them)', async () => {
    await tf.setBackend('wasm');
    expect(elementwiseSimd(tf.backend() as BackendWasm)).not.toBeNull();
  });

  const cases: { name: string; a: number[]; b: number[] }[] = [
    { name: 'same shape, 16-byte blocks and a tail', a: [3, 7, 5], b: [3, 7, 5] },
    { name: 'exactly 32 values', a: [2, 16], b: [2, 16] },
    { name: 'broadcast (delegated)', a: [4, 6], b: [6] },
  ];
  for (const c of cases) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      const a = bools(tf.util.sizeFromShape(c.a), 1);
      const b = bools(tf.util.sizeFromShape(c.b), 2);
      const expected = await on('cpu', a, c.a, b, c.b);
      expect(expected.values.some((v) => v === 1) && expected.values.some((v) => v === 0)).toBe(true);
      expect(await on('wasm', a, c.a, b, c.b)).toEqual(expected);
    });
  }
});
