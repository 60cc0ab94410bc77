import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { CheckedService } from '../test-support/checking-replies';
import { tempDir, writeTopBottomDataset } from '../test-support/fixtures';
import { tinyNchwClassifier } from '../test-support/onnx-models';
import type { PseudoLabelResult, TrainResult } from '../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

async function solid(path: string, rgb: [number, number, number]) {
  mkdirSync(join(path, '..'), { recursive: true });
  await sharp({ create: { width: 20, height: 12, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path);
}

async function setup(classes: string[]) {
  const t = tempDir();
  const service = new CheckedService({ transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  await service.invoke('project.create', { dir: join(t.dir, 'p'), classes });
  const run = async (input: never) => service.waitForJob((await service.invoke('jobs.start', input)).jobId);
  return { t, service, run };
}

describe('ONNX teachers', () => {
  test('an NCHW classifier with a sidecar pseudo-labels images exactly as onnxruntime computes it', async () => {
    const { t, service, run } = await setup(['red', 'green']);
    const colors: [number, number, number][] = [[200, 40, 0], [30, 180, 10], [120, 100, 0], [90, 110, 50]];
    for (const [i, c] of colors.entries()) await solid(join(t.dir, 'pool', `c${i}.png`), c);
    await run({ kind: 'import', input: { paths: [join(t.dir, 'pool')], format: 'folder', split: 'unlabeled' } } as never);
    const file = join(t.dir, 'teacher.onnx');
    writeFileSync(file, tinyNchwClassifier({ channels: 3, size: 8, weights: [[4, -4], [-4, 4], [0, 0]] }));
    writeFileSync(join(t.dir, 'teacher.json'), JSON.stringify({ classes: ['red', 'green'], scale: 1 / 255 }));
    const job = await run({ kind: 'pseudo-label', input: { teacher: file, temperature: 1 } } as never);
    expect(job.error).toBeNull();
    expect((job.result as PseudoLabelResult).labeled).toBe(4);
    const models = await service.invoke('models.list', {});
    expect(models[0]).toMatchObject({ kind: 'imported', arch: 'onnx', classes: ['red', 'green'] });
    const queue = (await service.invoke('review.queue', { order: 'class', limit: 10 })).items.sort((a, b) => a.imageId - b.imageId);
    // Solid colors: the average pool is the color / 255; logits = 4 (r - g) and 4 (g - r).
    colors.forEach(([r, g], i) => {
      const d = (4 * (r - g)) / 255;
      const pRed = 1 / (1 + Math.exp(-2 * d));
      const item = queue[i]!;
      expect(item.classId).toBe(pRed >= 0.5 ? 1 : 2);
      expect(item.confidence).toBeCloseTo(Math.max(pRed, 1 - pRed), 5);
      expect(item.soft![0]).toBeCloseTo(pRed, 5);
    });
  });

  test("a person's class map sends teacher classes to other project classes, or ignores them", async () => {
    const { t, service, run } = await setup(['rouge', 'green', 'blue']);
    for (const [i, c] of ([[200, 40, 0], [30, 180, 10]] as const).entries()) await solid(join(t.dir, 'pool', `c${i}.png`), [...c]);
    await run({ kind: 'import', input: { paths: [join(t.dir, 'pool')], format: 'folder', split: 'unlabeled' } } as never);
    const file = join(t.dir, 'teacher.onnx');
    writeFileSync(file, tinyNchwClassifier({ channels: 3, size: 8, weights: [[4, -4, 0], [-4, 4, 0], [0, 0, 0]] }));
    writeFileSync(join(t.dir, 'teacher.json'), JSON.stringify({ classes: ['red', 'Green', 'sky'] }));
    const teacher = await service.invoke('teachers.import', { file });
    expect((await service.invoke('models.get', { id: teacher.id })).classMap).toEqual({ red: null, Green: 'green', sky: null });
    await service.invoke('teachers.setClassMap', { model: teacher.id, map: { red: 'rouge', sky: null } });
    const job = await run({ kind: 'pseudo-label', input: { teacher: teacher.id, temperature: 1 } } as never);
    expect(job.result).toMatchObject({ labeled: 2, unmappedClasses: ['sky'] });
    const [rouge, green] = await service.invoke('classes.list', {});
    const queue = (await service.invoke('review.queue', { order: 'class' })).items.sort((a, b) => a.imageId - b.imageId);
    expect(queue.map((q) => q.classId)).toEqual([rouge!.id, green!.id]);
    // The ignored class's probability is dropped and the rest renormalized over the project's classes.
    expect(queue[0]!.soft).toHaveLength(3);
    expect(queue[0]!.soft![2]).toBe(0);
  });

  test('a wrong model is refused with the reason', async () => {
    const { t, service } = await setup(['red', 'green']);
    const bad = join(t.dir, 'broken.onnx');
    writeFileSync(bad, tinyNchwClassifier({ channels: 3, size: 8, weights: [[1, -1], [-1, 1], [0, 0]] }).subarray(0, 60));
    await expect(service.invoke('teachers.import', { file: bad })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/not an ONNX model|cannot be loaded/) });
    const featureMap = join(t.dir, 'features.onnx');
    writeFileSync(featureMap, tinyNchwClassifier({ channels: 3, size: 8, weights: [[1]], outputRank4: true }));
    await expect(service.invoke('teachers.import', { file: featureMap })).rejects.toMatchObject({ message: expect.stringMatching(/not a class vector/) });
    const good = join(t.dir, 'good.onnx');
    writeFileSync(good, tinyNchwClassifier({ channels: 3, size: 8, weights: [[1, -1], [-1, 1], [0, 0]] }));
    await expect(service.invoke('teachers.import', { file: good, spec: { inputSize: '16x16' } })).rejects.toMatchObject({ message: expect.stringMatching(/does not fit/) });
    await expect(service.invoke('teachers.import', { file: good, spec: { classes: ['a', 'b', 'c'] } })).rejects.toMatchObject({ message: expect.stringMatching(/outputs 2 classes/) });
    expect(await service.invoke('models.list', {})).toEqual([]);
  });

  test('a trained model exported to ONNX comes back as a teacher that agrees with it', async () => {
    const { t, service, run } = await setup([]);
    await writeTopBottomDataset(join(t.dir, 'data'), 12);
    await writeTopBottomDataset(join(t.dir, 'pool'), 8, 16, 4242);
    await run({ kind: 'import', input: { paths: [join(t.dir, 'data')] } } as never);
    await run({ kind: 'import', input: { paths: [join(t.dir, 'pool')], format: 'folder', split: 'unlabeled' } } as never);
    const trained = (await run({ kind: 'train', input: { epochs: 3, batchSize: 8, learningRate: 0.005 } } as never)).result as TrainResult;
    const onnxFile = join(t.dir, 'exported.onnx');
    const exported = await run({ kind: 'export-model', input: { model: trained.modelId, format: 'onnx', out: onnxFile } } as never);
    expect(exported.result).toMatchObject({ verified: true });
    const tfjsPredictions = (await run({ kind: 'predict', input: { model: trained.modelId, split: 'unlabeled' } } as never)).result as { predictions: { imageId: number; label: string; confidence: number }[] };
    const labeled = await run({ kind: 'pseudo-label', input: { teacher: onnxFile, temperature: 1 } } as never);
    expect((labeled.result as PseudoLabelResult).labeled).toBe(16);
    const classes = await service.invoke('classes.list', {});
    const queue = (await service.invoke('review.queue', { limit: 100 })).items;
    for (const p of tfjsPredictions.predictions) {
      const item = queue.find((q) => q.imageId === p.imageId)!;
      expect(classes.find((c) => c.id === item.classId)!.name).toBe(p.label);
      expect(item.confidence).toBeCloseTo(p.confidence, 4);
    }
  });
});
