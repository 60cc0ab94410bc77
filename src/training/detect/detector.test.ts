/**
 * The box student end to end, through the real service: a synthetic detection dataset (filled
 * squares of two colors at random places, PNGs written with sharp and imported), boxes drawn as a
 * person's regions, the 'train-detector' job in the engine worker (wasm backend), its test mAP,
 * the model in models.list, and the model pre-labeling boxes of unlabeled images as a teacher.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppService } from '../../service';
import { tempDir } from '../../test-support/fixtures';
import { iou, type Box } from '../../annotation';
import type { JobInfo } from '../../api/types';
import { createRng } from '../augment/rng';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

const SIZE = 64;
const CLASSES = ['red', 'blue'] as const;
const COLORS = [[215, 40, 45], [40, 70, 220]] as const;

interface TrueBox extends Box {
  cls: number;
}

/** One image: a noisy gray background with 1 or 2 filled squares (12-20 px) that do not overlap. */
function synthImage(rand: () => number): { px: Buffer; boxes: TrueBox[] } {
  const px = Buffer.alloc(SIZE * SIZE * 3);
  const base = 90 + Math.floor(rand() * 60);
  for (let i = 0; i < SIZE * SIZE * 3; i++) px[i] = base + Math.floor(rand() * 30);
  const boxes: TrueBox[] = [];
  const count = rand() < 0.5 ? 1 : 2;
  for (let tries = 0; boxes.length < count && tries < 100; tries++) {
    const side = 12 + Math.floor(rand() * 9);
    const x = Math.floor(rand() * (SIZE - side));
    const y = Math.floor(rand() * (SIZE - side));
    const box = { x: x / SIZE, y: y / SIZE, w: side / SIZE, h: side / SIZE, cls: rand() < 0.5 ? 0 : 1 };
    if (boxes.some((b) => iou(b, { x: box.x - 0.05, y: box.y - 0.05, w: box.w + 0.1, h: box.h + 0.1 }) > 0)) continue;
    boxes.push(box);
    const [r, g, b] = COLORS[box.cls]!;
    for (let yy = y; yy < y + side; yy++)
      for (let xx = x; xx < x + side; xx++) {
        const at = (yy * SIZE + xx) * 3;
        px[at] = r;
        px[at + 1] = g;
        px[at + 2] = b;
      }
  }
  return { px, boxes };
}

async function setup(counts: Record<'train' | 'val' | 'test' | 'unlabeled', number>) {
  const t = tempDir();
  const service = new AppService({ transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  const dir = join(t.dir, 'p');
  await service.invoke('project.create', { dir, task: 'detect', classes: [...CLASSES] });
  const rng = createRng(20240611);
  const rand = () => rng.next();
  const truth = new Map<string, TrueBox[]>();
  const run = async (input: never) => service.waitForJob((await service.invoke('jobs.start', input)).jobId);
  for (const [split, n] of Object.entries(counts)) {
    const folder = join(t.dir, 'pool', split);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < n; i++) {
      const { px, boxes } = synthImage(rand);
      const name = `${split}-${String(i).padStart(3, '0')}.png`;
      await sharp(px, { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toFile(join(folder, name));
      truth.set(name, boxes);
    }
    const job = await run({ kind: 'import', input: { paths: [folder], format: 'folder', split } } as never);
    expect(job.state).toBe('done');
  }
  const classes = await service.invoke('classes.list', {});
  const classId = (cls: number) => classes.find((c) => c.name === CLASSES[cls])!.id;
  const images = (await service.invoke('images.list', { limit: 1000 })).items;
  expect(images).toHaveLength(truth.size);
  for (const image of images) {
    const boxes = truth.get(image.fileName)!;
    if (image.split === 'unlabeled') continue;
    await service.invoke('shapes.create', { imageId: image.id, shapes: boxes.map((b) => ({ classId: classId(b.cls), kind: 'box', geometry: { x: b.x, y: b.y, w: b.w, h: b.h } })) });
  }
  return { service, run, images, truth, classId, dir };
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
    const asked = performance.now();
    await p.service.invoke('jobs.cancel', { jobId });
    const done = await p.service.waitForJob(jobId);
    expect(done.state).toBe('cancelled');
    expect(performance.now() - asked).toBeLessThan(10_000);
    expect((await p.service.invoke('models.list', {})).filter((m) => m.arch === 'detector')).toHaveLength(0);
  }, 120_000);
});
