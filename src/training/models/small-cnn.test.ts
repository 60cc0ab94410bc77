import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectTrainingBackend } from '../backend/index.js';
import { computeLocalGradients, softmaxCrossEntropy, trainableVariables } from '../parallel/index.js';
import { tinyImages } from '../../test-support/tiny-images.js';
import { buildSmallCnn } from './small-cnn.js';

describe('small CNN', () => {
  beforeAll(async () => {
    const backend = await selectTrainingBackend({ order: ['wasm'] });
    expect(backend.kind).toBe('wasm');
  });

  it('has the documented layers and output shape', () => {
    const model = buildSmallCnn({ height: 28, width: 28, channels: 1, numClasses: 10, seed: 1 });
    expect(model.layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc1', 'logits']);
    expect(model.outputs[0]!.shape).toEqual([null, 10]);
    expect(model.countParams()).toBe(320 + 18_496 + 3136 * 128 + 128 + 1290);
    model.dispose();
  });

  it('trains on the wasm backend: the loss of tiny synthetic data falls', () => {
    const data = tinyImages(48);
    const model = buildSmallCnn({ height: 12, width: 12, channels: 1, numClasses: 3, seed: 2 });
    const optimizer: tf.Optimizer = tf.train.adam(0.005);
    const x = tf.tensor4d(data.images, [48, 12, 12, 1]);
    const y = tf.tensor1d(data.labels, 'int32');
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) {
      const { loss, grads } = computeLocalGradients(model, softmaxCrossEntropy, x, y);
      const named: tf.NamedTensorMap = {};
      trainableVariables(model).forEach((v, i) => { named[v.name] = grads[i]!; });
      optimizer.applyGradients(named);
      tf.dispose(grads);
      losses.push(loss);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[losses.length - 1]!).toBeLessThan(0.3 * losses[0]!);
    tf.dispose([x, y]);
    model.dispose();
  });
});
