import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTrainingBackend } from '../backend/index.js';
import { buildSmallCnn } from '../models/small-cnn.js';
import {
  DataParallelGradients, computeLocalGradients, sliceBatch, softmaxCrossEntropy, trainableVariables,
} from './index.js';
import { tinyImages } from '../../test-support/tiny-images.js';

function maxRelativeDifference(a: tf.Tensor[], b: tf.Tensor[]): number {
  let worst = 0;
  a.forEach((t, i) => {
    const x = t.dataSync();
    const y = b[i]!.dataSync();
    let diff = 0;
    let scale = 1e-6;
    for (let k = 0; k < x.length; k++) {
      diff = Math.max(diff, Math.abs(x[k]! - y[k]!));
      scale = Math.max(scale, Math.abs(y[k]!));
    }
    worst = Math.max(worst, diff / scale);
  });
  return worst;
}

describe('DataParallelGradients', () => {
  const data = tinyImages(13); // odd: slices of 7 and 6
  let x: tf.Tensor4D;
  let y: tf.Tensor1D;
  let dp: DataParallelGradients;
  let parallelModel: tf.LayersModel;

  beforeAll(async () => {
    await selectTrainingBackend({ order: ['wasm'] });
    x = tf.tensor4d(data.images, [data.count, data.size, data.size, 1]);
    y = tf.tensor1d(data.labels, 'int32');
    parallelModel = buildSmallCnn({ height: 12, width: 12, channels: 1, numClasses: 3, seed: 3 });
    dp = await DataParallelGradients.create(parallelModel, { replicas: 2 });
  }, 60_000);

  afterAll(async () => {
    await dp?.dispose();
  });

  it('splits a batch into contiguous slices as equal as possible', () => {
    expect(sliceBatch(13, 2)).toEqual([{ start: 0, size: 7 }, { start: 7, size: 6 }]);
    expect(sliceBatch(2, 3)).toEqual([{ start: 0, size: 1 }, { start: 1, size: 1 }, { start: 2, size: 0 }]);
  });

  it('gives the same weights after a step as training on one engine', async () => {
    const single = buildSmallCnn({ height: 12, width: 12, channels: 1, numClasses: 3, seed: 3 });
    single.setWeights(parallelModel.getWeights());
    const sgdSingle: tf.Optimizer = tf.train.sgd(0.1);
    const sgdParallel = tf.train.sgd(0.1);

    for (let step = 0; step < 2; step++) {
      const local = computeLocalGradients(single, softmaxCrossEntropy, x, y);
      const named: tf.NamedTensorMap = {};
      trainableVariables(single).forEach((v, i) => { named[v.name] = local.grads[i]!; });
      sgdSingle.applyGradients(named);
      tf.dispose(local.grads);

      const parallelLoss = await dp.trainStep(sgdParallel, x, y);
      expect(Math.abs(parallelLoss - local.loss)).toBeLessThan(1e-5 * Math.max(1, local.loss));
    }
    expect(maxRelativeDifference(parallelModel.getWeights(), single.getWeights())).toBeLessThan(1e-5);
    single.dispose();
  });

  it('follows layers frozen between steps, like the single engine', async () => {
    const single = buildSmallCnn({ height: 12, width: 12, channels: 1, numClasses: 3, seed: 3 });
    single.setWeights(parallelModel.getWeights());
    for (const m of [single, parallelModel]) m.getLayer('conv1').trainable = false;
    const frozenBefore = parallelModel.getLayer('conv1').getWeights().map((t) => t.clone());

    const local = computeLocalGradients(single, softmaxCrossEntropy, x, y);
    const named: tf.NamedTensorMap = {};
    trainableVariables(single).forEach((v, i) => { named[v.name] = local.grads[i]!; });
    (tf.train.sgd(0.1) as tf.Optimizer).applyGradients(named);
    tf.dispose(local.grads);
    await dp.trainStep(tf.train.sgd(0.1), x, y);

    expect(maxRelativeDifference(parallelModel.getWeights(), single.getWeights())).toBeLessThan(1e-5);
    expect(maxRelativeDifference(parallelModel.getLayer('conv1').getWeights(), frozenBefore)).toBe(0);
    for (const m of [single, parallelModel]) m.getLayer('conv1').trainable = true;
    single.dispose();
  });

  it('accepts one-hot float targets as well as class indices', async () => {
    const oneHot = tf.oneHot(y, data.classes).toFloat();
    const a = await dp.computeGradients(x, y);
    const b = await dp.computeGradients(x, oneHot);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-6);
    expect(maxRelativeDifference(Object.values(a.grads), Object.values(b.grads))).toBeLessThan(1e-5);
    tf.dispose([oneHot, ...Object.values(a.grads), ...Object.values(b.grads)]);
  });

  it('returns the whole batch\'s logits in batch order, from both replicas\' forward passes', async () => {
    const { logits, grads } = await dp.computeGradients(x, y);
    tf.dispose(Object.values(grads));
    // The small CNN has no dropout: training-mode outputs equal the model's plain outputs.
    const expected = tf.tidy(() => (parallelModel.apply(x, { training: true }) as tf.Tensor).dataSync());
    expect(logits.length).toBe(data.count * data.classes);
    let worst = 0;
    for (let i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - expected[i]!));
    expect(worst).toBeLessThan(1e-4);
  });

  it('does not leak tensors across steps', async () => {
    const optimizer = tf.train.adam(1e-3);
    await dp.trainStep(optimizer, x, y); // creates the optimizer's moment variables
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await dp.trainStep(optimizer, x, y);
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
  });

  it('rejects a batch whose targets do not match its inputs', async () => {
    await expect(dp.computeGradients(x, y.slice(0, 5))).rejects.toThrow(/13 inputs but 5 targets/);
  });
});
