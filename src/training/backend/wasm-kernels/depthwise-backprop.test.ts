import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { overrideWasmKernel } from './register.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.js';
import { depthwiseSimd } from '../simd/depthwise-backprop-simd.js';
import type { BackendWasm } from '../wasm-internals.js';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

// No dilated case: tfjs refuses gradients of dilated depthwise convs before any kernel runs, and
// the cpu reference kernel ignores dilation, so there is nothing true to compare against.
const cases: { name: string; x: number[]; filter: number[]; strides: [number, number]; dilations: [number, number]; pad: 'same' | 'valid' }[] = [
  { name: '3x3 stride 1 same', x: [2, 7, 9, 3], filter: [3, 3, 3, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { name: '3x3 stride 2 same, odd sizes', x: [2, 7, 9, 4], filter: [3, 3, 4, 1], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { name: '3x3 stride 2 valid', x: [3, 8, 6, 2], filter: [3, 3, 2, 1], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { name: 'channel multiplier 2', x: [2, 6, 5, 3], filter: [3, 3, 3, 2], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { name: 'even filter, asymmetric padding', x: [2, 6, 7, 3], filter: [2, 4, 3, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  // Multiplier 1, channels divisible by 4: the wasm SIMD path.
  { name: 'SIMD: 3x3 stride 1 same, 8 channels', x: [2, 7, 9, 8], filter: [3, 3, 8, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { name: 'SIMD: 3x3 stride 2 same on even sizes (padding after only)', x: [3, 8, 10, 12], filter: [3, 3, 12, 1], strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { name: 'SIMD: 3x3 stride 2 valid, odd sizes', x: [2, 9, 7, 4], filter: [3, 3, 4, 1], strides: [2, 2], dilations: [1, 1], pad: 'valid' },
  { name: 'SIMD: 5x5 stride (1, 2), 16 channels', x: [1, 11, 10, 16], filter: [5, 5, 16, 1], strides: [1, 2], dilations: [1, 1], pad: 'same' },
  { name: 'SIMD: even filter, asymmetric padding', x: [2, 6, 7, 4], filter: [2, 4, 4, 1], strides: [1, 1], dilations: [1, 1], pad: 'same' },
  { name: 'multiplier 2 with 4 channels (JavaScript path)', x: [2, 6, 5, 4], filter: [3, 3, 4, 2], strides: [2, 2], dilations: [1, 1], pad: 'same' },
];

describe('depthwise convolution gradients on wasm', () => {
  beforeAll(async () => {
    await useWasmWithTrainingKernels();
    overrideWasmKernel(depthwiseBackpropInputConfig);
    overrideWasmKernel(depthwiseBackpropFilterConfig);
  });

  it('has the SIMD kernels on this runtime (so the SIMD cases below test them)', async () => {
    await tf.setBackend('wasm');
    expect(depthwiseSimd(tf.backend() as BackendWasm)).not.toBeNull();
  });

  for (const c of cases) {
    it(`match the cpu backend: ${c.name}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(
        c.x as [number, number, number, number], c.filter as [number, number, number, number], c.strides, c.dilations,
        c.pad, undefined, true, 'channelsLast');
      const dy = randomTensor(info.outShape, 3);
      const x = randomTensor(c.x, 4);
      const filter = randomTensor(c.filter, 5);
      const common = { strides: c.strides, dilations: c.dilations, pad: c.pad };
      expect(await compareWithCpu(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, { ...common, inputShape: c.x })).toBeLessThan(1e-5);
      expect(await compareWithCpu(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...common, filterShape: c.filter })).toBeLessThan(1e-5);
    });
  }
});
