/**
 * The box student end to end, through the real service: a synthetic detection dataset (filled
 * squares of two colors at random places, PNGs written with sharp and imported), boxes drawn as a
 * person's regions, the 'train-detector' job in the engine worker (wasm backend), its test mAP,
 * the model in models.list, and the model pre-labeling boxes of unlabeled images as a teacher.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { iou, type Box } from '../../annotation';
import type { JobInfo } from '../../api/types';
import { openDatabase } from '../../store';
import { JOB_TEST_TIMEOUT_MS, within } from '../../test-support/wait';
import { projectInputSpec } from '../data/input-spec';
import { CLASSES, setupDetectionProject, type TrueBox } from '../../test-support/detection-project';
import { DEFAULT_DETECTOR_OPTIONS, trainDetector } from './train';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

/** The shared synthetic project, cleaned up after each test. */
async function setup(counts: Record<'train' | 'val' | 'test' | 'unlabeled', number>) {
  const p = await setupDetectionProject(counts);
  cleanup = p.cleanup;
  return p;
}

describe('box student (train-detector)', () => {
  test('learns squares of two colors: test mAP@0.5 well above chance, recorded as a model, then pre-labels unlabeled images as a teacher', async () => {
    const p = await setup({ train: 110, val: 20, test: 30, unlabeled: 20 });
    const started = performance.now();
    const job = await p.run({ kind: 'train-detector', input: { epochs: 12, batchSize: 16, learningRate: 0.003, seed: 1 } } as never);
    const seconds = (performance.now() - started) / 1000;
    expect(job.error).toBeNull();
    expect(job.state).toBe('done');
    const result = job.result as { modelId: string; metrics: { accuracy: number; split: string; detection: { map: number; precision: number; recall: number; perClass: { name: string; ap: number }[] } }; data: { train: number; val: number; test: number } };
    console.log(`train-detector: ${seconds.toFixed(1)} s, test mAP@0.5 ${result.metrics.detection.map.toFixed(3)}`, JSON.stringify(result.metrics.detection), JSON.stringify(result.data));
    expect(result.data).toMatchObject({ train: 110, val: 20, test: 30 });
    expect(result.metrics.split).toBe('test');
    expect(result.metrics.detection.map).toBeGreaterThan(0.5);
    for (const c of result.metrics.detection.perClass) expect(c.ap).toBeGreaterThan(0.4);
    expect(result.metrics.accuracy).toBe(result.metrics.detection.map);

    const models = await p.service.invoke('models.list', {});
    const model = models.find((m) => m.id === result.modelId)!;
    expect(model).toMatchObject({ arch: 'detector', kind: 'trained', classes: [...CLASSES] });
    expect(model.metrics?.detection?.map).toBeCloseTo(result.metrics.detection.map, 9);

    // The trained detector as a teacher: pending pseudo boxes on the unlabeled images.
    const labeled = await p.run({ kind: 'pseudo-label', input: { teacher: result.modelId, split: 'unlabeled' } } as never);
    expect(labeled.error).toBeNull();
    expect(labeled.result).toMatchObject({ labeled: 20 });
    let squares = 0;
    let found = 0;
    let stored = 0;
    let matching = 0;
    for (const image of p.images.filter((i) => i.split === 'unlabeled')) {
      const pseudo = (await p.service.invoke('images.get', { id: image.id })).annotations.filter((a) => a.kind === 'box' && a.source === 'pseudo');
      for (const a of pseudo) {
        expect(a.status).toBe('pending');
        expect(a.modelId).toBe(result.modelId);
        expect(a.confidence).toBeGreaterThan(0);
      }
      const truth = p.truth.get(image.fileName)!;
      const hits = (b: TrueBox) => pseudo.some((a) => a.classId === p.classId(b.cls) && iou(a.geometry as Box, b) >= 0.5);
      squares += truth.length;
      found += truth.filter(hits).length;
      stored += pseudo.length;
      matching += pseudo.filter((a) => truth.some((b) => a.classId === p.classId(b.cls) && iou(a.geometry as Box, b) >= 0.5)).length;
    }
    console.log(`pseudo boxes: ${found}/${squares} squares found, ${matching}/${stored} stored boxes on a square`);
    expect(found / squares).toBeGreaterThan(0.7);
    expect(matching / stored).toBeGreaterThan(0.7);

    // Review, then a student: confident boxes accepted by a person, the rest left pending; the
    // student learns from the accepted ones (target 1) and the pending ones above 0.3 (the teacher's score).
    const unlabeledIds = new Set(p.images.filter((i) => i.split === 'unlabeled').map((i) => i.id));
    const pseudo = (await Promise.all([...unlabeledIds].map(async (id) => (await p.service.invoke('images.get', { id })).annotations))).flat().filter((a) => a.source === 'pseudo');
    const confident = pseudo.filter((a) => a.confidence! >= 0.8).map((a) => a.id);
    const pendingAbove = pseudo.filter((a) => a.confidence! >= 0.3 && a.confidence! < 0.8);
    expect(confident.length).toBeGreaterThan(0);
    await p.service.invoke('review.apply', { annotationIds: confident, action: 'accept' });
    const withBoxes = new Set(pseudo.filter((a) => a.confidence! >= 0.3).map((a) => a.imageId));
    const student = await p.run({ kind: 'train-detector', input: { epochs: 1, seed: 3, pendingAbove: 0.3 } } as never);
    expect(student.error).toBeNull();
    expect((student.result as { data: { train: number; pendingBoxes: number } }).data).toMatchObject({ train: 110 + withBoxes.size, pendingBoxes: pendingAbove.length });

    // Where only an image classifier makes sense, a detector is refused with what to do instead.
    const refused = (input: unknown) => p.service.invoke('jobs.start', input as never);
    await expect(refused({ kind: 'evaluate', input: { model: result.modelId } })).rejects.toThrow(/is a detector.*mAP/);
    await expect(refused({ kind: 'predict', input: { model: result.modelId } })).rejects.toThrow(/is a detector.*pseudo-label boxes/);
    await expect(refused({ kind: 'train', input: { epochs: 1, teacher: result.modelId } })).rejects.toThrow(/is a detector/);
  }, 240_000);

  test('a cancel stops the training between batches and records no model', async () => {
    const p = await setup({ train: 40, val: 0, test: 0, unlabeled: 0 });
    const { jobId } = await p.service.invoke('jobs.start', { kind: 'train-detector', input: { epochs: 500, batchSize: 8, seed: 2 } });
    let info: JobInfo;
    const until = Date.now() + 60_000;
    do {
      await new Promise((r) => setTimeout(r, 50));
      info = await p.service.invoke('jobs.get', { jobId });
    } while (info.progress?.phase !== 'training' && info.state === 'running' && Date.now() < until);
    expect(info.progress?.phase).toBe('training');
    await p.service.invoke('jobs.cancel', { jobId });
    const done = await within(p.service.waitForJob(jobId), 'the cancelled 500-epoch detector run to end');
    expect(done.state).toBe('cancelled');
    // It stopped long before its 500 epochs, and left no model.
    expect(done.progress!.step).toBeLessThan(done.progress!.total);
    expect((await p.service.invoke('models.list', {})).filter((m) => m.arch === 'detector')).toHaveLength(0);

    // Within one batch: the training loop itself, cancelled while its third batch reports, runs
    // at most one more batch (the signal is checked between batches).
    const db = openDatabase(join(p.dir, 'project.sqlite'), { readonly: true });
    try {
      const controller = new AbortController();
      const steps: number[] = [];
      let cancelledAt = -1;
      const run = trainDetector(db, p.dir, await projectInputSpec(db, p.dir), { ...DEFAULT_DETECTOR_OPTIONS, epochs: 500, batchSize: 4, seed: 3 }, {
        signal: controller.signal,
        onProgress: (u) => {
          if (u.phase !== 'training') return;
          steps.push(u.step);
          if (steps.length === 3) {
            cancelledAt = u.step;
            controller.abort();
          }
        },
      });
      await expect(within(run, 'the in-process detector loop to stop after its cancel')).rejects.toMatchObject({ code: 'CANCELLED' });
      expect(cancelledAt).toBe(3);
      expect(steps.filter((s) => s > cancelledAt).length).toBeLessThanOrEqual(1);
    } finally {
      db.close();
    }
  }, JOB_TEST_TIMEOUT_MS);
});
