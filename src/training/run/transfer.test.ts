import { afterEach, describe, expect, test } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CheckedService } from '../../test-support/checking-replies';
import { tempDir, writeTopBottomDataset } from '../../test-support/fixtures';
import type { TrainResult } from '../../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

describe('transfer learning from a backbone', () => {
  test('frozen trains a head on cached features (the second run decodes nothing), finetune trains all', async () => {
    const t = tempDir();
    const service = new CheckedService({ transport: 'in-process' });
    cleanup = async () => {
      await service.close();
      t.cleanup();
    };
    await writeTopBottomDataset(join(t.dir, 'data'), 20);
    const dir = join(t.dir, 'proj');
    await service.invoke('project.create', { dir });
    await service.waitForJob((await service.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'data')] } })).jobId);
    const train = async (input: Record<string, unknown>) => {
      const job = await service.waitForJob((await service.invoke('jobs.start', { kind: 'train', input: { batchSize: 8, seed: 4, ...input } })).jobId);
      expect(job.error).toBeNull();
      return job.result as TrainResult;
    };
    const base = await train({ epochs: 3, learningRate: 0.005 });

    const messages: string[] = [];
    service.on('jobProgress', (p) => p.phase === 'computing features' && messages.push(`${p.step}/${p.total}`));
    const frozen = await train({ epochs: 5, learningRate: 0.01, backbone: base.modelId, mode: 'frozen' });
    expect(frozen.metrics.accuracy).toBeGreaterThan(0.8);
    const featureDirs = readdirSync(join(dir, 'cache', 'features'));
    expect(featureDirs).toHaveLength(1);
    const computedFirst = messages.length;
    expect(computedFirst).toBeGreaterThan(0);

    // Second frozen run: every feature comes from the cache, none is computed again.
    messages.length = 0;
    await train({ epochs: 2, backbone: base.modelId, mode: 'frozen' });
    expect(messages).toEqual([]);

    // The saved frozen model is a whole image classifier: it evaluates on images.
    const evaluated = await service.waitForJob((await service.invoke('jobs.start', { kind: 'evaluate', input: { model: frozen.modelId } })).jobId);
    expect((evaluated.result as { accuracy: number }).accuracy).toBeCloseTo(frozen.metrics.accuracy, 5);

    const tuned = await train({ epochs: 2, learningRate: 0.002, backbone: base.modelId, mode: 'finetune' });
    expect(tuned.metrics.accuracy).toBeGreaterThan(0.8);
    expect(existsSync(join(dir, 'models', tuned.modelId, 'model.json'))).toBe(true);
    const models = await service.invoke('models.list', {});
    expect(models.map((m) => m.arch).sort()).toEqual([`finetuned ${base.modelId}`, `head on ${base.modelId}`, `head on ${base.modelId}`, 'small-cnn'].sort());
  });

  test('a mode that needs a backbone says so', async () => {
    const t = tempDir();
    const service = new CheckedService({ transport: 'in-process' });
    cleanup = async () => {
      await service.close();
      t.cleanup();
    };
    await writeTopBottomDataset(join(t.dir, 'data'), 4);
    await service.invoke('project.create', { dir: join(t.dir, 'p') });
    await service.waitForJob((await service.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'data')] } })).jobId);
    const job = await service.waitForJob((await service.invoke('jobs.start', { kind: 'train', input: { mode: 'frozen' } })).jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.message).toMatch(/needs a --backbone/);
  });
});
