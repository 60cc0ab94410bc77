import { afterEach, describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckedService } from '../../test-support/checking-replies';
import { tempDir, writeTopBottomDataset } from '../../test-support/fixtures';
import type { TrainResult } from '../../api/types';
import { JOB_TEST_TIMEOUT_MS, nextEvent, within } from '../../test-support/wait';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

async function projectWithData() {
  const t = tempDir();
  const service = new CheckedService({ transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  await writeTopBottomDataset(join(t.dir, 'data'), 30);
  const dir = join(t.dir, 'proj');
  await service.invoke('project.create', { dir });
  const { jobId } = await service.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'data')] } });
  await within(service.waitForJob(jobId), 'the import of the training images');
  return { service, dir };
}

describe('training as a job', () => {
  test('trains in a worker with live progress, records the model with metrics and history', { timeout: JOB_TEST_TIMEOUT_MS }, async () => {
    const { service, dir } = await projectWithData();
    const phases = new Set<string>();
    let backendMessage = '';
    service.on('jobProgress', (p) => {
      phases.add(p.phase);
      if (p.message) backendMessage = p.message;
    });
    const { jobId } = await service.invoke('jobs.start', { kind: 'train', input: { epochs: 4, batchSize: 8, learningRate: 0.005, augment: 'flip', seed: 1 } });
    const job = await within(service.waitForJob(jobId), 'the 4-epoch training run to end');
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    const result = job.result as TrainResult;
    expect(result.epochs).toBe(4);
    expect(result.backend).toMatch(/WebAssembly|TensorFlow|JavaScript/);
    expect(result.metrics.accuracy).toBeGreaterThan(0.8);
    expect(result.metrics.perClass.map((c) => c.name)).toEqual(['bottom', 'top']);
    expect(phases).toContain('training');
    expect(backendMessage).toContain('small-cnn');

    const models = await service.invoke('models.list', {});
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ id: result.modelId, arch: 'small-cnn', kind: 'trained' });
    const detail = await service.invoke('models.get', { id: result.modelId });
    expect(detail.history).toHaveLength(4);
    expect(detail.history[0]!.valAccuracy).toBeTypeOf('number');
    expect(detail.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12); // 6 test images per class
    expect(detail.input).toEqual({ height: 16, width: 16, channels: 1 });
    expect(existsSync(join(dir, 'models', result.modelId, 'model.json'))).toBe(true);
  });

  test('cancel stops the run, and resume continues it to a model', { timeout: JOB_TEST_TIMEOUT_MS }, async () => {
    const { service } = await projectWithData();
    const { jobId } = await service.invoke('jobs.start', { kind: 'train', input: { epochs: 40, batchSize: 4, seed: 2 } });
    let epochsDone = 0;
    service.on('jobProgress', (p) => {
      if (p.jobId === jobId && p.phase === 'epoch') epochsDone = Math.max(epochsDone, p.step);
    });
    await nextEvent(service, 'jobProgress', (p) => p.jobId === jobId && p.phase === 'epoch' && p.step >= 1, 'the first epoch of the 40-epoch run', { jobId });
    await service.invoke('jobs.cancel', { jobId });
    const job = await within(service.waitForJob(jobId), 'the cancelled run to end');
    expect(job.state).toBe('cancelled');
    const runId = /--resume (\S+)\./.exec(job.error?.message ?? '')?.[1];
    expect(runId).toBeTruthy();
    expect(epochsDone).toBeLessThan(40);
    // Resume continues from the last checkpoint: two more epochs, numbered after the saved ones.
    const target = epochsDone + 2;
    const resumed = await service.invoke('jobs.start', { kind: 'train', input: { epochs: target, batchSize: 4, seed: 2, resume: runId! } });
    const done = await within(service.waitForJob(resumed.jobId), 'the resumed run to end');
    expect(done.state).toBe('done');
    const detail = await service.invoke('models.get', { id: (done.result as TrainResult).modelId });
    expect(detail.history.map((h) => h.epoch)).toEqual(Array.from({ length: target }, (_, i) => i + 1));
  });

  test('bad options are refused before anything starts', async () => {
    const { service } = await projectWithData();
    await expect(service.invoke('jobs.start', { kind: 'train', input: { augment: 'flip,wobble' } })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('wobble') });
    await expect(service.invoke('jobs.start', { kind: 'train', input: { schedule: 'sometimes' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(service.invoke('jobs.start', { kind: 'train', input: { epochs: 0 } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  test('K-fold reports the folds and their spread; a search leaves its trials table and trains the best', { timeout: JOB_TEST_TIMEOUT_MS }, async () => {
    const { service } = await projectWithData();
    const run = async (input: Record<string, unknown>) => {
      const job = await within(service.waitForJob((await service.invoke('jobs.start', { kind: 'train', input: { epochs: 2, batchSize: 8, seed: 3, ...input } })).jobId), `the training run ${JSON.stringify(input)} to end`);
      expect(job.error).toBeNull();
      return job.result as TrainResult;
    };
    const folded = await run({ kfold: 3 });
    expect(folded.metrics.kfold).toMatchObject({ k: 3, accuracies: [expect.any(Number), expect.any(Number), expect.any(Number)] });
    const { mean, std, accuracies } = folded.metrics.kfold!;
    expect(mean).toBeCloseTo(accuracies.reduce((a, b) => a + b, 0) / 3, 10);
    expect(std).toBeGreaterThanOrEqual(0);
    const searched = await run({ search: 'random', trials: 3 });
    const detail = await service.invoke('models.get', { id: searched.modelId });
    expect(detail.search).toHaveLength(3);
    // Best first; the final model trained with the best trial's settings.
    const best = detail.search![0]!;
    expect(best.score).toBe(Math.max(...detail.search!.map((t) => t.score ?? -1)));
    expect(detail.options).toMatchObject({ learningRate: best.params.learningRate, batchSize: best.params.batchSize, optimizer: best.params.optimizer });
  });
});
