import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { selectTrainingBackend } from '../backend/index.js';
import { buildSmallCnn } from '../models/small-cnn.js';
import { tinyImages } from '../../test-support/tiny-images.js';
import { DataParallelGradients } from './data-parallel.js';
import { prewarmReplicaWorkers, releaseWarmReplicaWorkers, warmReplicaWorkerCount } from './spawn-worker.js';

describe('warm replica workers', () => {
  afterEach(releaseWarmReplicaWorkers);

  it('are taken by the next data-parallel engine with the same entry and backend, and the rest released', async () => {
    await selectTrainingBackend({ order: ['wasm'] });
    prewarmReplicaWorkers(2, { workerData: { backend: 'wasm' } });
    expect(warmReplicaWorkerCount()).toBe(2);
    // Another backend's replicas are not these.
    prewarmReplicaWorkers(1, { workerData: { backend: 'cpu' } });
    expect(warmReplicaWorkerCount()).toBe(3);

    const model = buildSmallCnn({ height: 12, width: 12, channels: 1, numClasses: 3, seed: 3 });
    const dp = await DataParallelGradients.create(model, { replicas: 2 });
    expect(warmReplicaWorkerCount()).toBe(2);
    const data = tinyImages(6);
    const x = tf.tensor4d(data.images, [data.count, data.size, data.size, 1]);
    const y = tf.tensor1d(data.labels, 'int32');
    const { loss, grads } = await dp.computeGradients(x, y);
    expect(Number.isFinite(loss)).toBe(true);
    tf.dispose([x, y, ...Object.values(grads)]);
    await dp.dispose();
    model.dispose();

    await releaseWarmReplicaWorkers();
    expect(warmReplicaWorkerCount()).toBe(0);
  }, 60_000);
});
