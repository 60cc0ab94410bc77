import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { CheckedService } from '../test-support/checking-replies';
import { tempDir, writeTopBottomDataset } from '../test-support/fixtures';
import type { TrainResult } from '../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

async function setup() {
  const t = tempDir();
  const service = new CheckedService({ transport: 'in-process', author: 'tester' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  await writeTopBottomDataset(join(t.dir, 'labeled'), 10);
  await writeTopBottomDataset(join(t.dir, 'pool'), 15, 16, 777);
  await service.invoke('project.create', { dir: join(t.dir, 'p') });
  const run = async (input: never) => {
    const job = await service.waitForJob((await service.invoke('jobs.start', input)).jobId);
    expect(job.error).toBeNull();
    return job.result;
  };
  await run({ kind: 'import', input: { paths: [join(t.dir, 'labeled')] } } as never);
  await run({ kind: 'import', input: { paths: [join(t.dir, 'pool')], format: 'folder', split: 'unlabeled' } } as never);
  const teacher = (await run({ kind: 'train', input: { epochs: 4, batchSize: 8, learningRate: 0.005, seed: 1 } } as never)) as TrainResult;
  return { service, run, teacher };
}

describe('the teacher-student loop', () => {
  test('a student learns from human labels plus reviewed pseudo-labels, and the round shows side by side', async () => {
    const { service, run, teacher } = await setup();
    await expect(service.invoke('jobs.start', { kind: 'train', input: { teacher: teacher.modelId } }).then((r) => service.waitForJob(r.jobId))).resolves.toMatchObject({
      state: 'failed',
      error: { message: expect.stringMatching(/no accepted or corrected pseudo-labels/) },
    });
    await run({ kind: 'pseudo-label', input: { teacher: teacher.modelId, temperature: 3 } } as never);
    const queue = await service.invoke('review.queue', { limit: 100 });
    expect(queue.items).toHaveLength(30);
    // Review: accept most, correct two, reject one.
    const ids = queue.items.map((i) => i.annotationId);
    await service.invoke('review.apply', { annotationIds: ids.slice(3), action: 'accept' });
    await service.invoke('review.apply', { annotationIds: ids.slice(0, 2), action: 'relabel', classId: 1 });
    await service.invoke('review.apply', { annotationIds: [ids[2]!], action: 'reject' });
    const student = (await run({ kind: 'train', input: { teacher: teacher.modelId, alpha: 0.7, epochs: 3, batchSize: 8, seed: 2 } } as never)) as TrainResult;
    const detail = await service.invoke('models.get', { id: student.modelId });
    // 16 human train images (10 per class, 2 of each 5 go to test) + 27 accepted/corrected pseudo-labels.
    expect(detail.studentData).toEqual({ human: 16, pseudo: 29 });
    expect(detail.options).toMatchObject({ teacher: teacher.modelId, alpha: 0.7 });
    const rounds = await service.invoke('rounds.list', {});
    expect(rounds).toEqual([
      expect.objectContaining({ round: 1, teacherId: teacher.modelId, studentId: student.modelId, pseudo: { pending: 0, accepted: 27, rejected: 1, corrected: 2 }, data: { human: 16, pseudo: 29 }, alpha: 0.7 }),
    ]);
    expect(rounds[0]!.studentAccuracy).toBeTypeOf('number');
  });

  test('self-training runs rounds: each student becomes the next teacher', async () => {
    const { run, teacher } = await setup();
    const result = (await run({ kind: 'self-train', input: { teacher: teacher.modelId, rounds: 2, acceptAbove: 0.6, train: { epochs: 2, batchSize: 8 } } } as never)) as {
      rounds: { round: number; teacher: string; modelId: string; accepted: number }[];
    };
    expect(result.rounds.map((r) => r.round)).toEqual([1, 2]);
    expect(result.rounds[0]!.teacher).toBe(teacher.modelId);
    expect(result.rounds[1]!.teacher).toBe(result.rounds[0]!.modelId);
    expect(result.rounds[0]!.accepted).toBeGreaterThan(0);
  });
});
