import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareWithCpu, randomTensor, useWasmWithTrainingKernels } from '../../../test-support/wasm-kernels.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

// Stride 1 takes our conv2d path; the other cases must be handed to the original kernel and still
// be right (negative effective padding, strides > 1).
const cases: { name: string; x: number[]; filter: number[]; strides: [number, number]; pad: Pad }[] = [
  { name: '3x3 stride 1 same, odd sizes', x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { name: '3x3 stride 1 valid', x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { name: '2x3 filter stride 1 same (asymmetric padding)', x: [2, 6, 7, 3], filter: [2, 3, 3, 5], strides: [1, 1], pad: 'same' },
  { name: '4x4 filter stride 1 same (even filter)', x: [1, 6, 5, 2], filter: [4, 4, 2, 3], strides: [1, 1], pad: 'same' },
  { name: '1x1 filter', x: [2, 5, 5, 6], filter: [1, 1, 6, 3], strides: [1, 1], pad: 'valid' },
  { name: 'explicit padding', x: [2, 6, 5, 3], filter: [3, 3, 3, 2], strides: [1, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: 'padding wider than the filter (delegated)', x: [1, 5, 5, 2], filter: [3, 3, 2, 2], strides: [1, 1], pad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
  { name: 'stride 2 same, odd sizes (dy spread out)', x: [2, 7, 9, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: 'same' },
  { name: 'stride 2 same, even sizes (ResNet downsampling)', x: [2, 8, 10, 4], filter: [3, 3, 4, 6], strides: [2, 2], pad: 'same' },
  { name: 'stride 2 valid (unused last row)', x: [3, 8, 6, 2], filter: [3, 3, 2, 5], strides: [2, 2], pad: 'valid' },
  { name: 'strides 3x2, 1x1 filter', x: [2, 7, 6, 3], filter: [1, 1, 3, 2], strides: [3, 2], pad: 'valid' },
  { name: 'stride 2, 2x2 filter, explicit padding', x: [1, 6, 7, 2], filter: [2, 2, 2, 3], strides: [2, 2], pad: [[0, 0], [1, 0], [0, 1], [0, 0]] },
];

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(useWasmWithTrainingKernels);

  for (const c of cases) {
    it(`matches the cpu backend: ${c.name}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(
        c.x as [number, number, number, number], c.filter as [number, number, number, number], c.strides, 1,
        c.pad as tf.backend_util.ExplicitPadding, undefined, false, 'channelsLast');
      const dy = randomTensor(info.outShape, 1);
      const filter = randomTensor(c.filter, 2);
      const error = await compareWithCpu(tf.Conv2DBackpropInput, { dy, filter }, {
        strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x,
      });
      expect(error).toBeLessThan(1e-5);
    });
  }
});
