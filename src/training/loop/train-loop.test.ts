import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectTrainingBackend } from '../backend';
import { buildArchitecture } from '../models';
import { parseAugmentList } from '../augment';
import { trainLoop, type LoopConfig } from './train-loop';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint';
import type { TensorData } from './data';

beforeAll(async () => {
  await selectTrainingBackend({ order: ['wasm'] });
});

/** Two classes told apart by whether the top or the bottom half is bright (a horizontal flip keeps the class). */
function dataset(n: number, seed: number): TensorData {
  const size = 12;
  const x = new Float32Array(n * size * size);
  const y = new Float32Array(n * 2);
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    y[i * 2 + cls] = 1;
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) x[(i * size + r) * size + c] = ((cls === 0) === (r < size / 2) ? 0.7 : 0.2) + rand() * 0.3;
  }
  return { x, y, n, height: size, width: size, channels: 1, numClasses: 2 };
}

const base: LoopConfig = {
  epochs: 3,
  batchSize: 16,
  learningRate: 0.01,
  optimizer: 'adam',
  schedule: { kind: 'constant' },
  augment: null,
  earlyStopPatience: null,
  seed: 7,
  replicas: 1,
};

const model = () => buildArchitecture('small-cnn', { height: 12, width: 12, channels: 1, numClasses: 2, seed: 3 });
const never = new AbortController().signal;

describe('training loop', () => {
  test('learns a simple problem, reporting each epoch with validation metrics', async () => {
    const m = model();
    const epochs: number[] = [];
    const result = await trainLoop(m, dataset(96, 1), dataset(32, 2), { ...base, augment: parseAugmentList('flip,color:0.1') }, {
      signal: never,
      onEpoch: (r) => epochs.push(r.epoch),
    });
    expect(epochs).toEqual([1, 2, 3]);
    expect(result.history.at(-1)!.valAccuracy).toBeGreaterThan(0.9);
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
    m.dispose();
  });

  test('resuming from a checkpoint takes exactly the step the uninterrupted run took', async () => {
    const train = dataset(64, 3);
    const straight = model();
    await trainLoop(straight, train, null, { ...base, epochs: 2 }, { signal: never });
    const expected = straight.getWeights().map((w) => Array.from(w.dataSync()));

    const first = model();
    let saved: Checkpoint | null = null;
    await trainLoop(first, train, null, { ...base, epochs: 1 }, { signal: never, onCheckpoint: (ck) => void (saved = ck) });
    // Through the on-disk encoding, as a crash and restart would.
    const restored = decodeCheckpoint(encodeCheckpoint(saved!));
    const second = model();
    await trainLoop(second, train, null, { ...base, epochs: 2 }, { signal: never }, restored);
    const actual = second.getWeights().map((w) => Array.from(w.dataSync()));
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < actual.length; i++) {
      for (let j = 0; j < actual[i]!.length; j++) expect(actual[i]![j]).toBeCloseTo(expected[i]![j]!, 5);
    }
    tf.dispose([straight, first, second].flatMap((m) => m.getWeights()));
  });

  test('cancel stops within one batch', async () => {
    const m = model();
    const controller = new AbortController();
    let batchesAfterCancel = 0;
    const result = await trainLoop(m, dataset(160, 4), null, { ...base, epochs: 5, batchSize: 8 }, {
      signal: controller.signal,
      onBatch: (p) => {
        if (controller.signal.aborted) batchesAfterCancel++;
        if (p.epoch === 0 && p.batch === 3) controller.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    expect(batchesAfterCancel).toBe(0);
    expect(result.history).toHaveLength(0);
  });

  test('early stopping stops after the patience runs out and restores the best epoch', async () => {
    const m = model();
    // Validation labels are the opposite of training: validation accuracy can only get worse.
    const val = dataset(32, 5);
    for (let i = 0; i < val.n; i++) [val.y[i * 2], val.y[i * 2 + 1]] = [val.y[i * 2 + 1]!, val.y[i * 2]!];
    const result = await trainLoop(m, dataset(64, 6), val, { ...base, epochs: 10, earlyStopPatience: 2 }, { signal: never });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBe(result.bestEpoch + 2);
  });
});
