import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementwiseSimd } from '../simd/elementwise-simd.js';
import type { BackendWasm } from '../wasm-internals.js';
import { overrideWasmKernel } from './register.js';
import { greaterConfig, greaterEqualConfig, lessConfig, lessEqualConfig } from './compare.js';
import { type HostTensor, randomTensor, runKernelOn, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

/** Values around ReLU6's bounds, with exact ties, infinities and NaN among them. */
function activations(shape: number[], seed: number): HostTensor {
  const t = randomTensor(shape, seed);
  const special = [0, 6, -0, NaN, Infinity, -Infinity, 5.999999, 1e-30];
  for (let i = 0; i < t.values.length; i++) t.values[i] = i % 5 === 0 ? special[(i / 5) % special.length]! : (t.values[i] as number) * 5 + 3;
  return t;
}

const shapes: { name: string; a: number[]; b: number[] }[] = [
  { name: 'tensor and scalar (ReLU6 bounds), size not a multiple of 16', a: [3, 7, 5, 3], b: [] },
  { name: 'scalar and tensor', a: [], b: [2, 9, 4] },
  { name: 'same shape', a: [4, 6, 7], b: [4, 6, 7] },
  { name: 'vector against a matrix (delegated)', a: [5, 8], b: [8] },
];

describe('GreaterEqual, LessEqual, Greater, Less on wasm', () => {
  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    for (const k of [greaterEqualConfig, lessEqualConfig, greaterConfig, lessConfig]) overrideWasmKernel(k);
  });

  it('has the SIMD kernels on this runtime (so the cases below test them)', async () => {
    await tf.setBackend('wasm');
    expect(elementwiseSimd(tf.backend() as BackendWasm)).not.toBeNull();
  });

  for (const s of shapes) {
    for (const kernel of [tf.GreaterEqual, tf.LessEqual, tf.Greater, tf.Less]) {
      it(`${kernel} matches the cpu backend: ${s.name}`, async () => {
        const a = activations(s.a, 31);
        const b = s.b.length === 0 ? { values: Float32Array.from([kernel === tf.LessEqual ? 6 : 0]), shape: [] } : activations(s.b, 32);
        const expected = await runKernelOn('cpu', kernel, { a, b }, {});
        const actual = await runKernelOn('wasm', kernel, { a, b }, {});
        expect(actual.shape).toEqual(expected.shape);
        expect(Array.from(actual.values)).toEqual(Array.from(expected.values));
      });
    }
  }
});
