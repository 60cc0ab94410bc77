/**
 * Helpers for the export tests: metadata for a model, and batch-norm statistics that are far from
 * the identity (fresh layers have mean 0, var 1, gamma 1, beta 0, which would let a wrong fold
 * pass unnoticed).
 */
import * as tf from '@tensorflow/tfjs';
import type { ExportMetadata } from '../export/metadata';
import { randomSamples } from '../export/verify';

export function metadataFor(model: tf.LayersModel, id = 'model-1'): ExportMetadata {
  const [, height, width, channels] = model.inputs[0]!.shape as number[];
  const classes = model.outputs[0]!.shape[1] as number;
  return {
    id,
    arch: model.name,
    classes: Array.from({ length: classes }, (_, i) => `class ${i}`),
    input: { height: height!, width: width!, channels: channels!, scale: 1 / 255, layout: 'nhwc' },
    createdAt: '2024-01-01T00:00:00.000Z',
    trainingRunId: 'run-7',
  };
}

/** Sets every batch norm's gamma, beta, moving mean and variance to seeded values in useful ranges. */
export function randomizeBatchNorms(model: tf.LayersModel, seed = 11): number {
  let count = 0;
  const rand = (n: number, lo: number, hi: number) => {
    const u = randomSamples(1, { height: 1, width: 1, channels: n }, seed + count * 4 + lo * 10 + hi);
    return tf.tensor1d(Array.from(u, (v) => lo + (hi - lo) * v));
  };
  const visit = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) visit(nested);
      if (layer.getClassName() !== 'BatchNormalization') continue;
      const values = layer.weights.map((w) => {
        const n = w.shape[0]!;
        const name = w.originalName;
        if (name.endsWith('gamma')) return rand(n, 0.5, 1.5);
        if (name.endsWith('beta')) return rand(n, -0.3, 0.3);
        if (name.endsWith('moving_mean')) return rand(n, -0.3, 0.3);
        return rand(n, 0.4, 2);
      });
      layer.setWeights(values);
      tf.dispose(values);
      count++;
    }
  };
  visit(model.layers);
  return count;
}

/** Argmax of each row of a [n, classes] array. */
export function top1(values: Float32Array, classes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length / classes; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (values[i * classes + k]! > values[i * classes + best]!) best = k;
    out.push(best);
  }
  return out;
}
