import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementwiseSimd } from '../simd/elementwise-simd.js';
import type { BackendWasm } from '../wasm-internals.js';
import { overrideWasmKernel } from './register.js';
import { selectConfig } from './select.js';
import { randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

async function on(backend: 'cpu' | 'wasm', cond: Uint8Array, condShape: number[], shape: number[], dtype: 'float32' | 'int32') {
  await tf.setBackend(backend);
  const t = randomTensor(shape, 41).values;
  const e = randomTensor(shape, 42).values;
  return tf.tidy(() => {
    const out = tf.engine().runKernel(tf.Select, {
      condition: tf.tensor(cond, condShape, 'bool'),
      t: dtype === 'int32' ? tf.tensor(t, shape).mul(1000).toInt() : tf.tensor(t, shape),
      e: dtype === 'int32' ? tf.tensor(e, shape).mul(1000).toInt() : tf.tensor(e, shape),
    }) as tf.Tensor;
    return { shape: out.shape, dtype: out.dtype, values: Array.from(out.dataSync()) };
  });
}

describe('Select on wasm', () => {
  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    overrideWasmKernel(selectConfig);
  });

  it('has the SIMD kernels on this runtime (so the cases below test them)', async () => {
    await tf.setBackend('wasm');
    expect(elementwiseSimd(tf.backend() as BackendWasm)).not.toBeNull();
  });

  const cases: { name: string; cond: number[]; shape: number[]; dtype: 'float32' | 'int32' }[] = [
    { name: 'float32, same shape, blocks of 16 and a tail', cond: [3, 7, 5], shape: [3, 7, 5], dtype: 'float32' },
    { name: 'float32, exactly 64 values', cond: [4, 16], shape: [4, 16], dtype: 'float32' },
    { name: 'int32, same shape', cond: [5, 9], shape: [5, 9], dtype: 'int32' },
    { name: 'rank-1 condition over the first axis (delegated)', cond: [5], shape: [5, 3], dtype: 'float32' },
  ];
  for (const c of cases) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      const cond = Uint8Array.from({ length: tf.util.sizeFromShape(c.cond) }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
      const expected = await on('cpu', cond, c.cond, c.shape, c.dtype);
      expect(await on('wasm', cond, c.cond, c.shape, c.dtype)).toEqual(expected);
    });
  }
});
