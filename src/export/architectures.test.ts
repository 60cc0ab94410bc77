import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { ARCHITECTURES, buildArchitecture } from '../training/models';
import { exportOnnx, randomSamples, verifyOnnx, VERIFY_MAX_ABS_DIFF } from './index';
import { onnx } from './onnx-proto';
import { metadataFor, randomizeBatchNorms } from '../test-support/export-helpers';

// tfjs's pure-JS backend is the reference; 16x16 inputs keep every architecture under a second.
beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SAMPLES = 6;

function opTypes(bytes: Uint8Array): string[] {
  return (onnx.ModelProto.decode(bytes).graph?.node ?? []).map((n) => n.opType ?? '');
}

describe('every architecture exports to ONNX and computes what tfjs computes', () => {
  for (const arch of ARCHITECTURES) {
    for (const channels of [1, 3]) {
      test(`${arch} ${16}x16x${channels}`, async () => {
        const model = buildArchitecture(arch, { height: 16, width: 16, channels, numClasses: 4, seed: 5, dropout: 0.3 });
        const bns = randomizeBatchNorms(model);
        if (arch !== 'small-cnn') expect(bns).toBeGreaterThan(0);
        const bytes = exportOnnx(model, metadataFor(model));
        const ops = opTypes(bytes);
        // Folded: no BatchNormalization and no Dropout in the file; exactly one layout change at the start.
        expect(ops).not.toContain('BatchNormalization');
        expect(ops.filter((o) => o === 'Transpose').length).toBe(arch === 'small-cnn' ? 2 : 1);
        const result = await verifyOnnx(bytes, model, randomSamples(SAMPLES, { height: 16, width: 16, channels }, 3), SAMPLES);
        expect(result.maxAbsDiff).toBeLessThanOrEqual(VERIFY_MAX_ABS_DIFF);
        expect(result).toMatchObject({ top1Agreement: 1, verified: true, samples: SAMPLES });
        model.dispose();
      });
    }
  }

  test('batch norm kept as BatchNormalization nodes (foldBatchNorm: false) gives the same answers', async () => {
    const model = buildArchitecture('mobilenetv2', { height: 16, width: 16, channels: 3, numClasses: 3, seed: 2 });
    randomizeBatchNorms(model, 4);
    const meta = metadataFor(model);
    const unfolded = exportOnnx(model, meta, { foldBatchNorm: false });
    expect(opTypes(unfolded)).toContain('BatchNormalization');
    const samples = randomSamples(4, meta.input, 9);
    const result = await verifyOnnx(unfolded, model, samples, 4);
    expect(result.verified).toBe(true);
    model.dispose();
  });
});
