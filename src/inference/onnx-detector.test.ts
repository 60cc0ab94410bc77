import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { CheckedService } from '../test-support/checking-replies';
import * as store from '../store';
import { detectInWorker } from '../training';
import { tempDir } from '../test-support/fixtures';
import { tinyMeanAffine } from '../test-support/onnx-models';
import { decodeYolo, type YoloLayout } from './yolo-decode';
import { pseudoLabelBoxes } from './pseudo-label-boxes';
import type { Annotation, PseudoLabelResult } from '../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

const SIZE = 32;
const TEACHER_CLASSES = ['car', 'person', 'dog'];
/** Gray levels of the images: m = gray / 255 is what the tiny detectors see. */
const GRAYS = [26, 60, 102, 128, 153, 230];

/**
 * Four boxes as affine functions of the image's mean m (pixels of a 32x32 input), as YOLOv5 rows
 * [cx, cy, w, h, objectness, car, person, dog] of [bias, scale] pairs. Box 0: a car drifting right
 * with m, scoring 0.9 m; box 1: a person, 0.8 m; box 2: a dog, 2 m - 0.6 (seen on bright images
 * only); box 3: a slightly weaker duplicate of box 0, which NMS removes. Dark images: no box.
 */
const BOXES: [number, number][][] = [
  [[8, 8], [8, 0], [8, 0], [8, 0], [0, 1], [0.9, 0], [0.1, 0], [0, 0]],
  [[24, 0], [20, 0], [6, 0], [10, 0], [0, 1], [0, 0], [0.8, 0], [0.2, 0]],
  [[16, 0], [16, 0], [4, 0], [4, 0], [-0.6, 2], [0, 0], [0, 0], [1, 0]],
  [[9, 8], [8, 0], [8, 0], [8, 0], [0, 0.9], [0.9, 0], [0.1, 0], [0, 0]],
];

/** The tiny detector in either layout: v8 has no objectness, its class scores are objectness x class. */
function detectorModel(layout: YoloLayout, extra: { batch?: number; metadata?: Record<string, string> } = {}): Uint8Array {
  const n = BOXES.length;
  if (layout === 'v5') {
    const rows = BOXES.flat();
    return tinyMeanAffine({ channels: 3, size: SIZE, dims: [n, 5 + TEACHER_CLASSES.length], bias: rows.map((r) => r[0]), scale: rows.map((r) => r[1]), ...extra });
  }
  const attrs = 4 + TEACHER_CLASSES.length;
  const bias = new Array<number>(attrs * n).fill(0);
  const scale = new Array<number>(attrs * n).fill(0);
  BOXES.forEach((box, b) => {
    for (let a = 0; a < 4; a++) [bias[a * n + b], scale[a * n + b]] = box[a]!;
    const [ob, os] = box[4]!;
    for (let c = 0; c < TEACHER_CLASSES.length; c++) {
      const s = box[5 + c]![0]; // class scores are constants: objectness x score stays affine in m
      bias[(4 + c) * n + b] = ob * s;
      scale[(4 + c) * n + b] = os * s;
    }
  });
  return tinyMeanAffine({ channels: 3, size: SIZE, dims: [attrs, n], bias, scale, ...extra });
}

/** What onnxruntime itself outputs for the gray images, decoded: the reference for stored boxes. */
async function referenceBoxes(file: string, layout: YoloLayout, scoreThreshold = 0.25, iouThreshold = 0.45) {
  const session = await ort.InferenceSession.create(file);
  const boxes = [];
  for (const g of GRAYS) {
    // One image at a time: the reference runs whether or not the model's batch size is fixed.
    const out = (await session.run({ pixels: new ort.Tensor('float32', new Float32Array(3 * SIZE * SIZE).fill(g / 255), [1, 3, SIZE, SIZE]) })).output0!;
    boxes.push(decodeYolo(out.data as Float32Array, out.dims, 0, layout, { inputWidth: SIZE, inputHeight: SIZE, scoreThreshold, iouThreshold }));
  }
  await session.release();
  return boxes;
}

async function setup(classes: string[]) {
  const t = tempDir();
  let service = new CheckedService({ transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  const dir = join(t.dir, 'p');
  await service.invoke('project.create', { dir, task: 'detect', classes });
  mkdirSync(join(t.dir, 'pool'), { recursive: true });
  for (const g of GRAYS) {
    await sharp({ create: { width: 40, height: 24, channels: 3, background: { r: g, g, b: g } } }).png().toFile(join(t.dir, 'pool', `g${String(g).padStart(3, '0')}.png`));
  }
  const run = async (input: never) => service.waitForJob((await service.invoke('jobs.start', input)).jobId);
  await run({ kind: 'import', input: { paths: [join(t.dir, 'pool')], format: 'folder', split: 'unlabeled' } } as never);
  const page = await service.invoke('images.list', { limit: 100 });
  const grayOf = new Map(page.items.map((i) => [i.id, Number(/g(\d+)/.exec(i.fileName)![1])]));
  const idOf = new Map([...grayOf].map(([id, g]) => [g, id]));
  const writeTeacher = (name: string, layout: YoloLayout) => {
    const file = join(t.dir, `${name}.onnx`);
    writeFileSync(file, detectorModel(layout));
    writeFileSync(join(t.dir, `${name}.json`), JSON.stringify({ classes: TEACHER_CLASSES }));
    return file;
  };
  /** Live pseudo boxes of an image, best first. */
  const boxesOf = async (imageId: number) =>
    (await service.invoke('images.get', { id: imageId })).annotations
      .filter((a) => a.kind === 'box' && a.source === 'pseudo')
      .sort((a, b) => b.confidence! - a.confidence!);
  return {
    t, dir, run, grayOf, idOf, writeTeacher, boxesOf,
    get service() {
      return service;
    },
    /** Close the service (to run a job body directly on the project), or open it again. */
    async reopen() {
      await service.close();
      service = new CheckedService({ transport: 'in-process' });
      await service.invoke('project.open', { dir });
    },
  };
}

/** Stored boxes equal the reference decoded from onnxruntime's output, in project classes. */
function expectSameBoxes(stored: Annotation[], reference: ReturnType<typeof decodeYolo>, classIdOf: (teacherClass: number) => number | null) {
  const kept = reference.filter((b) => classIdOf(b.classIndex) !== null);
  expect(stored).toHaveLength(kept.length);
  kept.forEach((b, i) => {
    const s = stored[i]!;
    expect(s).toMatchObject({ status: 'pending', classId: classIdOf(b.classIndex), softLabel: null });
    expect(s.confidence).toBeCloseTo(b.score, 6);
    const g = s.geometry as { x: number; y: number; w: number; h: number };
    for (const k of ['x', 'y', 'w', 'h'] as const) expect(g[k]).toBeCloseTo(b[k], 6);
  });
}

describe('ONNX detector teachers', () => {
  test('a YOLOv5 detector pseudo-labels boxes through its class map, resumes after a cancel without duplicates, and its boxes are reviewed per image', async () => {
    const p = await setup(['car', 'pedestrian', 'dog']);
    const file = p.writeTeacher('yolo5', 'v5');
    const teacher = await p.service.invoke('teachers.import', { file });
    expect(teacher).toMatchObject({ arch: 'onnx-detector', kind: 'imported', classes: TEACHER_CLASSES });
    const detail = await p.service.invoke('models.get', { id: teacher.id });
    expect(detail.onnx).toEqual({ layout: 'nchw', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], uint8: false, detector: { yolo: 'v5', scoreThreshold: 0.25, iouThreshold: 0.45, maxBoxes: 300 } });
    // By name by default (person has no project class); a person maps it and ignores dogs.
    expect(detail.classMap).toEqual({ car: 'car', person: null, dog: 'dog' });
    await expect(p.service.invoke('teachers.setClassMap', { model: teacher.id, map: { cat: 'car' } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(p.service.invoke('teachers.setClassMap', { model: teacher.id, map: { person: 'bicycle' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const mapped = await p.service.invoke('teachers.setClassMap', { model: teacher.id, map: { person: 'Pedestrian', dog: null } });
    expect(mapped.classMap).toEqual({ car: 'car', person: 'pedestrian', dog: null });
    const classes = await p.service.invoke('classes.list', {});
    const classIdOf = (k: number) => [classes[0]!.id, classes[1]!.id, null][k]!;
    const reference = await referenceBoxes(file, 'v5');
    const expected = (g: number) => reference[GRAYS.indexOf(g)]!.filter((b) => classIdOf(b.classIndex) !== null);
    // Known boxes: dark images have none, NMS drops the duplicate car, dogs are mapped away.
    expect(GRAYS.map((g) => expected(g).length)).toEqual([0, 0, 2, 2, 2, 2]);
    expect(reference[GRAYS.indexOf(153)]!.map((b) => TEACHER_CLASSES[b.classIndex])).toEqual(['dog', 'car', 'person']);

    // A run cancelled after its first chunk of 3 images (run here in chunks of 3, as the job does in 2000s).
    await p.service.close();
    const handle = store.openProject(p.dir);
    const controller = new AbortController();
    const partial = await (async () => {
      try {
        return await pseudoLabelBoxes(
        handle.db,
        teacher.id,
        { split: 'unlabeled' },
        (imageIds, c) => detectInWorker({ projectDir: handle.paths.dir, databaseFile: handle.paths.database, model: teacher.id, imageIds, thresholds: {} }, c),
        { signal: controller.signal, onProgress: (u) => (u.metrics?.labeled ?? 0) > 0 && controller.abort() },
        'tester',
        { chunk: 3 },
        );
      } finally {
        handle.close();
      }
    })();
    const firstChunk = [...p.grayOf.keys()].sort((a, b) => a - b).slice(0, 3);
    const firstBoxes = firstChunk.reduce((a, id) => a + expected(p.grayOf.get(id)!).length, 0);
    expect(partial).toMatchObject({ labeled: 3, boxes: firstBoxes, emptyImages: firstChunk.filter((id) => !expected(p.grayOf.get(id)!).length).length });
    await p.reopen();
    const before = new Map<number, number[]>();
    for (const id of p.grayOf.keys()) before.set(id, (await p.boxesOf(id)).map((a) => a.id));
    for (const id of p.grayOf.keys()) expect(before.get(id)!.length).toBe(firstChunk.includes(id) ? expected(p.grayOf.get(id)!).length : 0);

    // Resumed through the service: only the other images run; nothing is duplicated or superseded.
    const job = await p.run({ kind: 'pseudo-label', input: { teacher: teacher.id } } as never);
    expect(job.state).toBe('done');
    const total = GRAYS.reduce((a, g) => a + expected(g).length, 0);
    expect(job.result).toMatchObject({ labeled: 3, skipped: 3, boxes: total - firstBoxes, round: partial.round, unmappedClasses: ['dog'] });
    for (const [id, g] of p.grayOf) {
      const stored = await p.boxesOf(id);
      expectSameBoxes(stored, reference[GRAYS.indexOf(g)]!, classIdOf);
      expect(stored.every((a) => a.modelId === teacher.id && a.round === partial.round)).toBe(true);
      if (firstChunk.includes(id)) expect(stored.map((a) => a.id)).toEqual(before.get(id));
    }
    // Run again: every image is labeled already (the empty ones too).
    expect((await p.run({ kind: 'pseudo-label', input: { teacher: teacher.id } } as never)).result).toMatchObject({ labeled: 0, skipped: 6, boxes: 0 });
    expect((await p.service.invoke('stats.get', {})).pseudoBoxes).toEqual({ pending: total, accepted: 0, rejected: 0, corrected: 0 });

    // Review per image: the most uncertain (darkest: lowest person score) first, in pages.
    const withBoxes = GRAYS.filter((g) => expected(g).length).map((g) => p.idOf.get(g)!);
    const page1 = await p.service.invoke('review.images', { limit: 3 });
    expect(page1.items.map((i) => i.imageId)).toEqual(withBoxes.slice(0, 3));
    expect(page1.items[0]).toMatchObject({ boxes: 2, classIds: [classes[0]!.id, classes[1]!.id], fileName: 'g102.png' });
    expect(page1.items[0]!.minConfidence).toBeCloseTo(0.8 * (102 / 255), 5);
    const page2 = await p.service.invoke('review.images', { limit: 3, cursor: page1.next });
    expect(page2.items.map((i) => i.imageId)).toEqual(withBoxes.slice(3));
    expect(page2.next).toBeNull();
    expect((await p.service.invoke('review.images', { classId: classes[2]!.id })).items).toEqual([]);

    // Accept every box of the most uncertain image, reject one box of the next.
    const first = await p.boxesOf(withBoxes[0]!);
    expect(await p.service.invoke('review.apply', { annotationIds: first.map((a) => a.id), action: 'accept' })).toEqual({ changed: 2 });
    const second = await p.boxesOf(withBoxes[1]!);
    await p.service.invoke('review.apply', { annotationIds: [second[1]!.id], action: 'reject' });
    expect((await p.service.invoke('review.images', {})).items.map((i) => i.imageId)).toEqual(withBoxes.slice(1));
    expect((await p.service.invoke('review.images', { status: 'accepted' })).items).toMatchObject([{ imageId: withBoxes[0], boxes: 2 }]);
    expect((await p.service.invoke('review.images', { status: 'rejected' })).items).toMatchObject([{ imageId: withBoxes[1], boxes: 1 }]);
    expect((await p.service.invoke('stats.get', {})).pseudoBoxes).toEqual({ pending: total - 3, accepted: 2, rejected: 1, corrected: 0 });
    const counts = (await p.service.invoke('review.counts', {})).byClassAndRound.filter((r) => r.kind === 'box');
    expect(counts.filter((r) => r.status === 'accepted')).toEqual([
      { classId: classes[0]!.id, round: partial.round, status: 'accepted', count: 1, kind: 'box' },
      { classId: classes[1]!.id, round: partial.round, status: 'accepted', count: 1, kind: 'box' },
    ]);
    expect(counts.reduce((a, r) => a + r.count, 0)).toBe(total);
  });

  test('a YOLOv8 detector (fixed batch, names in its metadata) given as a file with a score threshold supersedes pending boxes of an earlier teacher, keeps images a person decided, and refuses other outputs', async () => {
    const p = await setup(['car', 'person']);
    const v5 = await p.service.invoke('teachers.import', { file: p.writeTeacher('first', 'v5') });
    const firstRun = await p.run({ kind: 'pseudo-label', input: { teacher: v5.id } } as never);
    expect(firstRun.result).toMatchObject({ labeled: 6, boxes: 8, emptyImages: 2, unmappedClasses: ['dog'] });
    const decided = p.idOf.get(128)!;
    await p.service.invoke('review.apply', { annotationIds: (await p.boxesOf(decided)).map((a) => a.id), action: 'accept' });
    const rejected = (await p.boxesOf(p.idOf.get(153)!))[0]!;
    await p.service.invoke('review.apply', { annotationIds: [rejected.id], action: 'reject' });
    const acceptedBefore = await p.boxesOf(decided);

    // As Ultralytics exports it: batch fixed at 1, class names in the "names" metadata (no sidecar).
    const file = join(p.t.dir, 'yolo8.onnx');
    writeFileSync(file, detectorModel('v8', { batch: 1, metadata: { names: "{0: 'car', 1: 'person', 2: 'dog'}" } }));
    const job = await p.run({ kind: 'pseudo-label', input: { teacher: file, spec: { scoreThreshold: 0.4 } } } as never);
    expect(job.error).toBeNull();
    const teacher = (await p.service.invoke('models.list', {})).find((m) => m.name === 'yolo8.onnx')!;
    expect(teacher).toMatchObject({ arch: 'onnx-detector', classes: TEACHER_CLASSES });
    expect((await p.service.invoke('models.get', { id: teacher.id })).onnx?.detector).toMatchObject({ yolo: 'v8', scoreThreshold: 0.4, iouThreshold: 0.45 });
    const classes = await p.service.invoke('classes.list', {});
    const classIdOf = (k: number) => [classes[0]!.id, classes[1]!.id, null][k]!;
    const reference = await referenceBoxes(file, 'v8', 0.4);
    expect(job.result).toMatchObject({ labeled: 5, skipped: 1, round: (firstRun.result as PseudoLabelResult).round + 1 });
    for (const [id, g] of p.grayOf) {
      const stored = await p.boxesOf(id);
      if (id === decided) {
        expect(stored).toEqual(acceptedBefore); // a person decided: kept as it was
        continue;
      }
      expectSameBoxes(stored, reference[GRAYS.indexOf(g)]!, classIdOf);
      expect(stored.every((a) => a.modelId === teacher.id)).toBe(true);
    }
    // The earlier pending and rejected boxes were superseded, with history.
    const handle = store.openProject(p.dir);
    try {
      const deleted = store.annotationHistory(handle.db, p.idOf.get(153)!).filter((h) => h.action === 'delete');
      expect(deleted.map((h) => h.annotationId)).toContain(rejected.id);
      expect(deleted).toHaveLength(2);
    } finally {
      handle.close();
    }
    // At 0.4 the 102 image (car 0.36, person 0.32) has no box any more: its earlier ones are gone too.
    expect(await p.boxesOf(p.idOf.get(102)!)).toEqual([]);

    // Outputs that are neither a class vector nor a YOLO layout are refused with their shape.
    const odd = join(p.t.dir, 'odd.onnx');
    writeFileSync(odd, tinyMeanAffine({ channels: 3, size: SIZE, dims: [2, 3], bias: new Array(6).fill(0), scale: new Array(6).fill(1) }));
    await expect(p.service.invoke('teachers.import', { file: odd })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/shape \[1, 2, 3\].*\[1, boxes, 5 \+ classes\].*YOLOv5.*\[1, 4 \+ classes, boxes\].*YOLOv8/),
    });
    const misnamed = join(p.t.dir, 'misnamed.onnx');
    writeFileSync(misnamed, detectorModel('v5'));
    await expect(p.service.invoke('teachers.import', { file: misnamed, spec: { classes: ['a', 'b'] } })).rejects.toMatchObject({ message: expect.stringMatching(/\[1, 4, 8\].*2 class names/) });
    expect((await p.service.invoke('models.list', {})).map((m) => m.name).sort()).toEqual(['first.onnx', 'yolo8.onnx']);
  });
});
