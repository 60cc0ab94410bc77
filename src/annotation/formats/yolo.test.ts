// YOLO as Ultralytics, Roboflow and CVAT ("YOLO 1.1", Darknet) write it: handwritten data.yaml /
// obj.data files, real (tiny) images, and the ids a class keeps through import and export.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeImage } from '../../test-support/fixtures';
import { FORMATS, detectFormat } from './index-formats';
import type { Dataset } from './dataset';
import type { SizeOf } from './sizes';
import { parseYolo, writeYolo } from './yolo';

const sizeOf: SizeOf = async (p) => {
  const m = await sharp(p).metadata();
  return { width: m.width ?? 0, height: m.height ?? 0 };
};

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

async function layout(files: Record<string, string | { w: number; h: number }>): Promise<string> {
  const t = tempDir('apprentice-yolo-');
  cleanups.push(t.cleanup);
  let seed = 1;
  for (const [p, v] of Object.entries(files)) {
    const full = join(t.dir, p);
    mkdirSync(dirname(full), { recursive: true });
    if (typeof v === 'string') writeFileSync(full, v);
    else await writeImage(full, seed++, { width: v.w, height: v.h });
  }
  return t.dir;
}

const near = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));

describe('YOLO reading', () => {
  it('an Ultralytics data.yaml with an id map with gaps, anchors, flow lists and a .txt split list', async () => {
    const root = await layout({
      'data.yaml': [
        '# Ultralytics YOLO dataset',
        'path: .  # dataset root',
        'common: &imgs images/train',
        'train: [*imgs]',
        "'val': val.txt",
        'test:',
        'names: {0: person, 2: "traffic light", 5: car}',
        '',
      ].join('\n'),
      'val.txt': './images/val/b.jpg\nimages/val/gone.jpg\n',
      'images/train/a.jpg': { w: 40, h: 20 },
      'labels/train/a.txt': '0 0.5 0.5 0.25 0.5\n5 0.1 0.1 0.3 0.1 0.2 0.3\n6 0.5 0.5 0.1 0.1\n',
      'images/val/b.jpg': { w: 30, h: 30 },
      'labels/val/b.txt': '2 0.5 0.5 1 1\n',
      'images/val/unlisted.jpg': { w: 8, h: 8 },
    });
    expect(await detectFormat(root)).toBe('yolo');
    const r = await FORMATS.yolo.read(root, { sizeOf });
    // Every id of the map keeps its position: gaps get a placeholder, named in one line.
    expect(r.dataset.classes).toEqual(['person', 'class_1', 'traffic light', 'class_3', 'class_4', 'car']);
    const yaml = join(root, 'data.yaml');
    expect(r.errors).toEqual([
      { file: join(root, 'val.txt'), where: 'line 2', reason: 'the listed image "images/val/gone.jpg" is not in the dataset folder' },
      { file: yaml, where: 'line 7', reason: 'names: names has no class for ids 1, 3, 4; they are kept as "class_1", "class_3", "class_4" so that ids stay exact' },
      { file: join(root, 'labels/train/a.txt'), where: 'line 3', reason: 'unknown class index 6: names lists 6 classes (0..5)' },
    ]);
    const [a, b, unlisted] = r.dataset.images;
    // In no split of the config (a folder rule exists, so images outside it are kept, without a split).
    expect(unlisted).toMatchObject({ file: 'images/val/unlisted.jpg', annotations: [] });
    expect(unlisted!.split).toBeUndefined();
    expect(a).toMatchObject({ file: 'images/train/a.jpg', width: 40, height: 20, split: 'train' });
    expect(a!.annotations.map((x) => [x.kind, x.classIndex])).toEqual([['box', 0], ['polygon', 5]]);
    const box = a!.annotations[0]!;
    if (box.kind === 'box') near([box.x, box.y, box.w, box.h], [0.375, 0.25, 0.25, 0.5]);
    expect(b).toMatchObject({ file: 'images/val/b.jpg', split: 'val', annotations: [{ kind: 'box', classIndex: 2, x: 0, y: 0, w: 1, h: 1 }] });
  });

  it('with only .txt lists, an image in none of them is not read, and that is said', async () => {
    const root = await layout({
      'data.yaml': 'train: train.txt\nnames: [a]\n',
      'train.txt': 'images/a.jpg\n',
      'images/a.jpg': { w: 8, h: 8 },
      'images/b.jpg': { w: 8, h: 8 },
    });
    const r = await FORMATS.yolo.read(join(root, 'data.yaml'), { sizeOf });
    expect(r.dataset.images.map((i) => [i.file, i.split])).toEqual([['images/a.jpg', 'train']]);
    expect(r.errors).toEqual([{ file: join(root, 'data.yaml'), where: '', reason: '1 image is in no image list of the config and not read (images/b.jpg)' }]);
  });

  it('a CVAT "YOLO 1.1" (Darknet) export: obj.data, obj.names, train.txt and obj_train_data/', async () => {
    const root = await layout({
      'obj.data': 'classes = 3\ntrain = data/train.txt\nnames = data/obj.names\nbackup = backup/\n',
      'obj.names': 'cat\ndog\nbird\n',
      'train.txt': 'data/obj_train_data/x.jpg\ndata/obj_train_data/y.jpg\n',
      'obj_train_data/x.jpg': { w: 10, h: 10 },
      'obj_train_data/x.txt': '2 0.5 0.5 0.2 0.2\n',
      'obj_train_data/y.jpg': { w: 10, h: 10 },
      'obj_train_data/y.txt': '',
      'obj_train_data/z.txt': '0 0.5 0.5 0.2 0.2\n',
    });
    expect(await detectFormat(root)).toBe('yolo');
    const r = await FORMATS.yolo.read(root, { sizeOf });
    expect(r.dataset.classes).toEqual(['cat', 'dog', 'bird']);
    expect(r.dataset.images.map((i) => [i.file, i.split, i.annotations.map((a) => a.classIndex)])).toEqual([
      ['obj_train_data/x.jpg', 'train', [2]],
      ['obj_train_data/y.jpg', 'train', []],
    ]);
    expect(r.errors).toEqual([{ file: join(root, 'obj_train_data/z.txt'), where: '', reason: 'label file without an image' }]);
  });

  it('a label file mixing box and segment rows is read as it is; repeated names stay distinct classes', () => {
    const r = parseYolo({
      classNames: { file: 'classes.txt', text: 'car\r\ncar\r\nbus\r\n' },
      images: [{ file: 'a.jpg', label: { file: 'a.txt', text: '1 0.5 0.5 0.2 0.2\n2 0.1 0.1 0.5 0.1 0.3 0.4 0.1 0.4\n' } }],
    });
    expect(r.dataset.classes).toEqual(['car', 'car_1', 'bus']);
    expect(r.errors).toEqual([{ file: 'classes.txt', where: 'line 2', reason: 'class 1 repeats the name "car"; it is called "car_1" so that ids stay exact' }]);
    expect(r.dataset.images[0]!.annotations).toEqual([
      { kind: 'box', classIndex: 1, x: 0.4, y: 0.4, w: 0.2, h: 0.2 },
      { kind: 'polygon', classIndex: 2, points: [[0.1, 0.1], [0.5, 0.1], [0.3, 0.4], [0.1, 0.4]] },
    ]);
  });
});

describe('YOLO writing', () => {
  const dataset = (): Dataset => ({
    classes: ['a', 'b', 'c', 'd', 'e'],
    images: [
      {
        file: 'x.jpg', width: 40, height: 20, split: 'train',
        annotations: [
          { kind: 'box', classIndex: 2, x: 0.25, y: 0.25, w: 0.5, h: 0.5 },
          { kind: 'polygon', classIndex: 4, points: [[0.1, 0.2], [0.5, 0.2], [0.3, 0.6]] },
          { kind: 'polygon', classIndex: 4, points: [[0.6, 0.6], [0.9, 0.6], [0.9, 0.9]] },
          { kind: 'tag', classIndex: 0 },
        ],
      },
    ],
  });

  it('detect: ids are the class positions (unused classes too), polygons become boxes and are listed', async () => {
    const t = tempDir('apprentice-yolo-out-');
    cleanups.push(t.cleanup);
    const w = await FORMATS.yolo.write!(dataset(), t.dir);
    expect(readFileSync(join(t.dir, 'labels/train/x.txt'), 'utf8')).toBe('2 0.5 0.5 0.5 0.5\n4 0.3 0.4 0.4 0.4\n4 0.75 0.75 0.3 0.3\n');
    expect(readFileSync(join(t.dir, 'data.yaml'), 'utf8')).toContain('nc: 5\nnames:\n  - "a"\n  - "b"\n  - "c"\n  - "d"\n  - "e"\n');
    expect(w.converted).toEqual([{ file: 'x.jpg', where: '', reason: 'YOLO (detect) holds boxes: a polygon is written as its bounding box (export YOLO segment for polygons)' }]);
    expect(w.skipped).toEqual([{ file: 'x.jpg', where: '', reason: 'YOLO has no image-level tags; the tag is not written' }]);
    await writeImage(join(t.dir, 'images/train/x.jpg'), 3, { width: 40, height: 20 });
    const back = await FORMATS.yolo.read(t.dir, { sizeOf });
    expect(back.errors).toEqual([]);
    expect(back.dataset.classes).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(back.dataset.images[0]!.annotations.map((a) => [a.kind, a.classIndex])).toEqual([['box', 2], ['box', 4], ['box', 4]]);
  });

  it('segment (yolo-seg): polygons only, boxes skipped with the reason, never a mixed label file', async () => {
    const t = tempDir('apprentice-yolo-seg-');
    cleanups.push(t.cleanup);
    const w = await FORMATS['yolo-seg'].write!(dataset(), t.dir);
    expect(readFileSync(join(t.dir, 'labels/train/x.txt'), 'utf8')).toBe('4 0.1 0.2 0.5 0.2 0.3 0.6\n4 0.6 0.6 0.9 0.6 0.9 0.9\n');
    expect(w.skipped.map((s) => s.reason)).toEqual(['a box is not a segment: export YOLO (detect) for boxes', 'YOLO has no image-level tags; the tag is not written']);
    expect(w.converted).toBeUndefined();
    await writeImage(join(t.dir, 'images/train/x.jpg'), 3, { width: 40, height: 20 });
    const back = await FORMATS.yolo.read(t.dir, { sizeOf });
    expect(back.errors).toEqual([]);
    expect(back.dataset.images[0]!.annotations).toEqual(dataset().images[0]!.annotations.filter((a) => a.kind === 'polygon'));
  });

  it('detect: a mask is written as the bounding box of its pixels', () => {
    // 4x2 mask, column-major runs (COCO): background 2 (column 0), foreground 4 (columns 1-2), background 2.
    const d: Dataset = { classes: ['m'], images: [{ file: 'm.jpg', width: 4, height: 2, annotations: [{ kind: 'mask', classIndex: 0, mask: { counts: [2, 4, 2], width: 4, height: 2 } }] }] };
    const w = writeYolo(d);
    expect(w.files[0]).toEqual({ path: 'labels/m.txt', content: '0 0.5 0.5 0.5 1\n' });
    expect(w.converted).toEqual([{ file: 'm.jpg', where: '', reason: 'YOLO (detect) holds boxes: a mask is written as the bounding box of its pixels' }]);
  });
});
