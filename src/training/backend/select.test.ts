import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectTrainingBackend } from './select.js';

describe('selectTrainingBackend', () => {
  it('activates the fastest available backend and names it', async () => {
    const info = await selectTrainingBackend();
    expect(tf.getBackend()).toBe(info.tfBackend);
    expect(info.name.length).toBeGreaterThan(0);
    expect(info.replicas).toBeGreaterThanOrEqual(1);
    // Each kind tried before the chosen one is listed with the reason it was skipped.
    const order = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
    expect(info.skipped.map((s) => s.kind)).toEqual(order.slice(0, order.indexOf(info.kind)));
    if (info.kind === 'wasm') {
      // Without native TensorFlow (as in CI), wasm must be trainable: our kernels are installed.
      expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
      expect(info.name).toMatch(/WebAssembly/);
    }
  });

  it('returns the same answer to later calls in the same thread', async () => {
    const first = await selectTrainingBackend();
    expect(await selectTrainingBackend({ order: ['cpu'] })).toBe(first);
  });
});
