import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementwiseSimd } from '../simd/elementwise-simd.js';
import type { BackendWasm } from '../wasm-internals.js';
import { overrideWasmKernel } from './register.js';
import { addConfig, multiplyConfig, realDivConfig, subConfig } from './binary-arith.js';
import { binaryLayout } from './binary-layout.js';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

const shapes: { name: string; a: number[]; b: number[] }[] = [
  { name: 'same shape, size not a multiple of 4', a: [3, 5, 7], b: [3, 5, 7] },
  { name: 'tensor and scalar', a: [2, 9, 5, 3], b: [] },
  { name: 'scalar and tensor', a: [1], b: [4, 7, 3] },
  { name: 'batch-norm vector [C] against NHWC', a: [2, 5, 3, 8], b: [8] },
  { name: '[1, 1, 1, C] first', a: [1, 1, 1, 12], b: [3, 4, 2, 12] },
  { name: 'trailing [W, C] block', a: [2, 3, 4, 4], b: [1, 4, 4] },
  { name: 'vector of 6 (not a multiple of 4: delegated)', a: [5, 6], b: [6] },
  { name: 'interior broadcast (delegated)', a: [4, 1, 8], b: [4, 3, 8] },
  { name: 'both broadcast (delegated)', a: [4, 1], b: [1, 8] },
];

describe('Add, Sub, Multiply, RealDiv on wasm', () => {
  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    for (const k of [addConfig, subConfig, multiplyConfig, realDivConfig]) overrideWasmKernel(k);
  });

  it('has the SIMD kernels on this runtime (so the cases below test them)', async () => {
    await tf.setBackend('wasm');
    expect(elementwiseSimd(tf.backend() as BackendWasm)).not.toBeNull();
  });

  for (const s of shapes) {
    for (const kernel of [tf.Add, tf.Sub, tf.Multiply, tf.RealDiv]) {
      it(`${kernel} matches the cpu backend bit for bit: ${s.name}`, async () => {
        const a = randomTensor(s.a, 21);
        const b = randomTensor(s.b, 22);
        if (kernel === tf.RealDiv) for (let i = 0; i < b.values.length; i++) b.values[i] = (b.values[i]! as number) + 2; // no division by ~0
        expect(await compareWithCpu(kernel, { a, b }, {})).toBe(0);
      });
    }
  }

  it('int32 operands go to the original kernel', async () => {
    const a = { values: Int32Array.from([1, -2, 3, 4, 5, 6]), shape: [2, 3] };
    const b = { values: Int32Array.from([7, 8, -9]), shape: [3] };
    expect(await compareWithCpu(tf.Multiply, { a, b }, {})).toBe(0);
  });

  it('recognises the layouts the batch-norm gradient uses', () => {
    expect(binaryLayout([16, 48, 48, 96], [96])).toEqual({ outShape: [16, 48, 48, 96], layout: 'fp', period: 96 });
    expect(binaryLayout([1, 1, 1, 96], [16, 48, 48, 96])).toEqual({ outShape: [16, 48, 48, 96], layout: 'pf', period: 96 });
    expect(binaryLayout([16, 48, 48, 96], [])?.layout).toBe('fs');
    expect(binaryLayout([4, 1, 8], [4, 3, 8])).toBeNull();
  });
});
