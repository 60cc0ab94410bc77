import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ARCHITECTURES, buildArchitecture, defaultArchitecture } from './index';
import { selectTrainingBackend } from '../backend';
import { overrideWasmKernel } from '../backend/wasm-kernels/register';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from '../backend/wasm-kernels/depthwise-backprop';

// The fast CPU path (wasm + our training kernels): tfjs's pure-JS 'cpu' backend would take minutes.
beforeAll(async () => {
  await selectTrainingBackend({ order: ['wasm'] });
  overrideWasmKernel(depthwiseBackpropInputConfig);
  overrideWasmKernel(depthwiseBackpropFilterConfig);
});

/** A tiny learnable problem: class = which half of the image is bright. */
function tinyBatch(n: number, size: number, channels: number) {
  const xs = new Float32Array(n * size * size * channels);
  const ys = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    ys[i * 2 + cls] = 1;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < channels; c++) {
          const bright = cls === 0 ? x < size / 2 : x >= size / 2;
          xs[((i * size + y) * size + x) * channels + c] = (bright ? 0.8 : 0.1) + ((i * 7 + x * 3 + y) % 5) * 0.02;
        }
  }
  return { x: tf.tensor4d(xs, [n, size, size, channels]), y: tf.tensor2d(ys, [n, 2]) };
}

describe('architectures', () => {
  for (const arch of ARCHITECTURES) {
    test(`${arch} builds for the project's input and its loss falls in a few steps`, () => {
      const size = 16;
      const channels = arch === 'resnet' ? 3 : 1;
      const model = buildArchitecture(arch, { height: size, width: size, channels, numClasses: 2, seed: 1, dropout: 0.1 });
      expect(model.inputs[0]!.shape).toEqual([null, size, size, channels]);
      expect(model.outputs[0]!.shape).toEqual([null, 2]);
      const { x, y } = tinyBatch(8, size, channels);
      const optimizer = tf.train.adam(0.01);
      const lossOf = () =>
        tf.tidy(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor).dataSync()[0]!);
      const first = lossOf();
      for (let step = 0; step < 8; step++) {
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      }
      const last = lossOf();
      expect(Number.isFinite(last)).toBe(true);
      expect(last).toBeLessThan(first * 0.8);
      tf.dispose([x, y]);
      model.dispose();
      optimizer.dispose();
    });
  }

  test('the default architecture follows the input size', () => {
    expect(defaultArchitecture(28, 28)).toBe('small-cnn');
    expect(defaultArchitecture(64, 64)).toBe('resnet');
    expect(defaultArchitecture(224, 224)).toBe('mobilenetv2');
  });

  test('a width multiplier makes a smaller student', () => {
    const full = buildArchitecture('mobilenetv2', { height: 32, width: 32, channels: 3, numClasses: 10 });
    const half = buildArchitecture('mobilenetv2', { height: 32, width: 32, channels: 3, numClasses: 10, widthMultiplier: 0.5 });
    expect(half.countParams()).toBeLessThan(full.countParams() * 0.5);
    full.dispose();
    half.dispose();
  });
});
