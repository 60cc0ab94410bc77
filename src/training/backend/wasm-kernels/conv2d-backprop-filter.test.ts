import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { im2colLimits } from './conv2d-backprop-filter.js';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function cases(): { name: string; x: number[]; filter: number[]; strides: [number, number]; pad: Pad }[] {
  return [
    { name: '3x3 stride 1 same, odd sizes', x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
    { name: '3x3 stride 1 valid', x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
    { name: '3x3 stride 2 same (asymmetric padding)', x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
    { name: '3x3 stride 2 valid (unused last row)', x: [3, 8, 6, 2], filter: [3, 3, 2, 5], strides: [2, 2], pad: 'valid' },
    { name: '2x3 filter, strides 2x1, same', x: [2, 6, 7, 3], filter: [2, 3, 3, 5], strides: [2, 1], pad: 'same' },
    { name: '1x1 filter', x: [2, 5, 5, 6], filter: [1, 1, 6, 3], strides: [1, 1], pad: 'valid' },
    { name: '5x5 filter on a 4x4 image, same', x: [1, 4, 4, 2], filter: [5, 5, 2, 3], strides: [1, 1], pad: 'same' },
    { name: 'explicit padding', x: [2, 6, 5, 3], filter: [3, 3, 3, 2], strides: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
    { name: 'one input channel (first conv layer)', x: [4, 12, 12, 1], filter: [3, 3, 1, 8], strides: [1, 1], pad: 'same' },
    // Cin divisible by 4: the wasm SIMD gather in row layout.
    { name: 'Cin 4, 3x3 stride 1 same, odd sizes', x: [2, 7, 9, 4], filter: [3, 3, 4, 5], strides: [1, 1], pad: 'same' },
    { name: 'Cin 8, 3x3 stride 2 same (asymmetric padding)', x: [2, 7, 9, 8], filter: [3, 3, 8, 3], strides: [2, 2], pad: 'same' },
    { name: 'Cin 8, 3x3 stride 2 valid', x: [3, 8, 6, 8], filter: [3, 3, 8, 5], strides: [2, 2], pad: 'valid' },
    { name: 'Cin 4, 2x3 filter, strides 2x1, explicit padding', x: [2, 6, 7, 4], filter: [2, 3, 4, 2], strides: [2, 1], pad: [[0, 0], [1, 0], [2, 1], [0, 0]] },
    { name: 'Cin 12, 5x5 filter on a 4x4 image, same', x: [1, 4, 4, 12], filter: [5, 5, 12, 3], strides: [1, 1], pad: 'same' },
  ];
}

function outputShape(x: number[], filter: number[], strides: [number, number], pad: Pad): number[] {
  const info = tf.backend_util.computeConv2DInfo(
    x as [number, number, number, number], filter as [number, number, number, number], strides, 1,
    pad as tf.backend_util.ExplicitPadding, undefined, false, 'channelsLast');
  return info.outShape;
}

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);
  afterEach(() => { im2colLimits.maxColsFloats = 16 * 1024 * 1024; });

  for (const c of cases()) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      const x = randomTensor(c.x, 1);
      const dy = randomTensor(outputShape(c.x, c.filter, c.strides, c.pad), 2);
      const error = await compareWithCpu(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter,
      });
      expect(error).toBeLessThan(1e-5);
    });
  }

  it('matches the cpu backend on a long reduction (N*Ho*Wo > 16k: transposed layout, chunks of ~36k rows)', async () => {
    // 5 images of 96x96: 46,080 rows, so chunks of 4 images and 1 image, with Cin divisible by 4.
    const x = randomTensor([5, 96, 96, 4], 5);
    const dy = randomTensor([5, 96, 96, 3], 6);
    const error = await compareWithCpu(tf.Conv2DBackpropFilter, { x, dy }, {
      strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 4, 3],
    });
    expect(error).toBeLessThan(1e-5);
  });

  for (const cin of [3, 4]) {
    it(`matches the cpu backend when the im2col buffer is split into chunks of images, Cin ${cin}`, async () => {
      im2colLimits.maxColsFloats = 2 * 9 * cin * 7 * 9; // two images per chunk, 5 images: 3 chunks
      const x = randomTensor([5, 7, 9, cin], 3);
      const dy = randomTensor([5, 7, 9, 4], 4);
      const error = await compareWithCpu(tf.Conv2DBackpropFilter, { x, dy }, {
        strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, cin, 4],
      });
      expect(error).toBeLessThan(1e-5);
    });
  }

  it('matches the cpu backend for NCHW data', async () => {
    const x = randomTensor([2, 3, 7, 6], 5); // N, C, H, W
    const dy = randomTensor([2, 4, 4, 3], 6); // stride 2 same: 4 x 3
    const error = await compareWithCpu(tf.Conv2DBackpropFilter, { x, dy }, {
      strides: [2, 2], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 4],
    });
    expect(error).toBeLessThan(1e-5);
  });
});
