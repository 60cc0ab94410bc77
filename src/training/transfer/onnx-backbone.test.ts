import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppService } from '../../service';
import { tempDir } from '../../test-support/fixtures';
import { tinyNchwClassifier } from '../../test-support/onnx-models';
import type { TrainResult } from '../../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

describe('an ONNX file as a frozen backbone', () => {
  test('features come from onnxruntime, a head learns on them, and the pair exports as one verified ONNX file', async () => {
    const t = tempDir();
    const s = new AppService({ transport: 'in-process' });
    cleanup = async () => {
      await s.close();
      t.cleanup();
    };
    // Reddish and greenish images in an ImageFolder, a fifth of them as test.
    for (let i = 0; i < 30; i++) {
      for (const [cls, rgb] of [['red', [150 + (i % 5) * 20, 60, 40]], ['green', [60, 150 + (i % 5) * 20, 40]]] as const) {
        const dir = join(t.dir, 'data', i % 5 === 0 ? 'test' : 'train', cls);
        mkdirSync(dir, { recursive: true });
        await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: rgb[0] + i, g: rgb[1], b: rgb[2] } } }).png().toFile(join(dir, `${i}.png`));
      }
    }
    // The backbone: NCHW input, a 3-channel feature map out (its average color).
    const backbone = join(t.dir, 'backbone.onnx');
    writeFileSync(backbone, tinyNchwClassifier({ channels: 3, size: 8, weights: [[1]], outputRank4: true }));
    await s.invoke('project.create', { dir: join(t.dir, 'p') });
    await s.waitForJob((await s.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'data')] } })).jobId);
    const train = async () => {
      const job = await s.waitForJob((await s.invoke('jobs.start', { kind: 'train', input: { backbone, mode: 'frozen', epochs: 30, batchSize: 8, learningRate: 0.1, dropout: 0 } })).jobId);
      expect(job.error).toBeNull();
      return job.result as TrainResult;
    };
    const computed: number[] = [];
    s.on('jobProgress', (p) => p.phase === 'computing features' && computed.push(p.total));
    const first = await train();
    expect(first.metrics.accuracy).toBeGreaterThan(0.9);
    expect(computed.at(-1)).toBe(60);
    computed.length = 0;
    await train();
    expect(computed).toEqual([]); // every feature came from the cache

    const predicted = await s.waitForJob((await s.invoke('jobs.start', { kind: 'predict', input: { model: first.modelId, split: 'test' } })).jobId);
    const predictions = (predicted.result as { predictions: { label: string; trueLabel: string }[] }).predictions;
    expect(predictions.filter((p) => p.label === p.trueLabel).length).toBeGreaterThanOrEqual(11);

    const out = join(t.dir, 'export', 'whole.onnx');
    const exported = await s.waitForJob((await s.invoke('jobs.start', { kind: 'export-model', input: { model: first.modelId, format: 'onnx', out } })).jobId);
    expect(exported.result).toMatchObject({ verified: true, top1Agreement: 1 });
    const tfjs = await s.waitForJob((await s.invoke('jobs.start', { kind: 'export-model', input: { model: first.modelId, format: 'tfjs', out: join(t.dir, 'x') } })).jobId);
    expect(tfjs.error?.message).toMatch(/exports to ONNX only/);
    const tuned = await s.waitForJob((await s.invoke('jobs.start', { kind: 'train', input: { backbone, mode: 'finetune' } })).jobId);
    expect(tuned.error?.message).toMatch(/cannot be fine-tuned/);
  });
});
