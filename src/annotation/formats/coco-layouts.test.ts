// COCO datasets as real tools lay them out: the 2017 release (pycocotools order, categories last,
// crowd RLE), images/<split>/ and flat images/, Roboflow's per-split folders, an images root given
// by hand, CVAT-style attributes. Fixtures are written by hand in those tools' shapes, with small
// real images made by sharp.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCoco, writeCocoFiles } from './coco';
import { detectFormat } from './index-formats';
import type { Dataset } from './dataset';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'apprentice-coco-layouts-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function png(path: string, width: number, height: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 90, b: 160 } } }).png().toFile(path);
}

async function put(path: string, doc: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
}

// pycocotools' key order: info, licenses, images, annotations, categories (LAST).
const INFO = { description: 'COCO 2017 Dataset', url: 'http://cocodataset.org', version: '1.0', year: 2017, contributor: 'COCO Consortium', date_created: '2017/09/01' };
const LICENSES = [{ url: 'http://creativecommons.org/licenses/by-nc-sa/2.0/', id: 1, name: 'Attribution-NonCommercial-ShareAlike License' }];
const CATEGORIES = [
  { supercategory: 'person', id: 1, name: 'person' },
  { supercategory: 'vehicle', id: 3, name: 'car' },
  { supercategory: 'animal', id: 18, name: 'dog' },
  { supercategory: 'vehicle', id: 2, name: 'bicycle' }, // never used: still a class
];
const img = (id: number, file_name: string, width: number, height: number) => ({
  license: 1, file_name, coco_url: `http://images.cocodataset.org/val2017/${file_name}`, height, width,
  date_captured: '2013-11-14 17:02:52', flickr_url: 'http://farm7.staticflickr.com/x.jpg', id,
});

function valDoc() {
  return {
    info: INFO,
    licenses: LICENSES,
    images: [img(139, '000000000139.jpg', 40, 30), img(285, '000000000285.jpg', 20, 10)],
    annotations: [
      // Two rings: two polygons.
      { segmentation: [[1, 1, 10, 1, 10, 8], [20, 20, 30, 20, 30, 28, 20, 28]], area: 111.5, iscrowd: 0, image_id: 139, bbox: [1, 1, 29, 27], category_id: 18, id: 1768 },
      // A crowd: uncompressed RLE, columns 5-6 and rows 10-19 of the 40x30 image.
      { segmentation: { counts: [160, 10, 20, 10, 1000], size: [30, 40] }, area: 20, iscrowd: 1, image_id: 139, bbox: [5, 10, 2, 10], category_id: 1, id: 900100139 },
      // A box only (no segmentation key at all, as detection-only exports write).
      { area: 23.625, iscrowd: 0, image_id: 139, bbox: [2, 3, 4.5, 5.25], category_id: 1, id: 1769 },
      // pycocotools' compressed string (as detectron2 / LVIS write masks): runs 100, 40, 30, 20, 10.
      { segmentation: { size: [10, 20], counts: 'T3X1n0\\O\\O' }, area: 60, iscrowd: 0, image_id: 285, bbox: [5, 0, 10, 10], category_id: 18, id: 1770 },
    ],
    categories: CATEGORIES,
  };
}

function trainDoc() {
  return {
    info: INFO,
    licenses: LICENSES,
    images: [img(9, '000000000009.jpg', 40, 30)],
    annotations: [{ segmentation: [], area: 100, iscrowd: 0, image_id: 9, bbox: [0, 0, 10, 10], category_id: 3, id: 1 }],
    categories: CATEGORIES,
  };
}

const CLASSES = ['person', 'bicycle', 'car', 'dog'];
const IDS = [1, 2, 3, 18];

describe('standard COCO 2017 layout', () => {
  let root: string;
  beforeAll(async () => {
    root = join(tmp, 'coco2017');
    await put(join(root, 'annotations/instances_val2017.json'), valDoc());
    await put(join(root, 'annotations/instances_train2017.json'), trainDoc());
    const kp = valDoc();
    (kp.annotations[2] as Record<string, unknown>).keypoints = [3, 4, 2, 0, 0, 0];
    await put(join(root, 'annotations/person_keypoints_val2017.json'), { ...kp, categories: [CATEGORIES[0]] });
    await put(join(root, 'annotations/captions_val2017.json'), { info: INFO, images: valDoc().images, annotations: [{ image_id: 139, id: 1, caption: 'a dog' }] });
    await png(join(root, 'val2017/000000000139.jpg'), 40, 30);
    await png(join(root, 'val2017/000000000285.jpg'), 20, 10);
    await png(join(root, 'train2017/000000000009.jpg'), 40, 30);
  });

  it('reads annotations/instances_*.json with the images in <split>2017/, every category kept with its id', async () => {
    expect(await detectFormat(root)).toBe('coco');
    const r = await readCoco(root);
    expect(r.root).toBe(root);
    expect(r.errors).toEqual([
      { file: join(root, 'annotations/person_keypoints_val2017.json'), where: '', reason: 'not read: instances_val2017.json holds the same images and objects (keypoints are not imported)' },
    ]);
    expect(r.dataset.classes).toEqual(CLASSES);
    expect(r.dataset.classIds).toEqual(IDS);
    expect(r.dataset.images.map((i) => [i.file, i.split, i.width, i.height])).toEqual([
      ['train2017/000000000009.jpg', 'train', 40, 30],
      ['val2017/000000000139.jpg', 'val', 40, 30],
      ['val2017/000000000285.jpg', 'val', 20, 10],
    ]);
    expect(r.dataset.images[0]!.annotations).toEqual([{ kind: 'box', classIndex: 2, x: 0, y: 0, w: 0.25, h: 1 / 3 }]);
    const [p1, p2, crowd, box] = r.dataset.images[1]!.annotations;
    expect(p1).toEqual({ kind: 'polygon', classIndex: 3, points: [[1 / 40, 1 / 30], [10 / 40, 1 / 30], [10 / 40, 8 / 30]] });
    expect(p2).toEqual({ kind: 'polygon', classIndex: 3, points: [[0.5, 20 / 30], [0.75, 20 / 30], [0.75, 28 / 30], [0.5, 28 / 30]] });
    expect(crowd).toEqual({ kind: 'mask', classIndex: 0, iscrowd: true, mask: { counts: [160, 10, 20, 10, 1000], width: 40, height: 30 } });
    expect(box).toEqual({ kind: 'box', classIndex: 0, x: 2 / 40, y: 3 / 30, w: 4.5 / 40, h: 5.25 / 30 });
    expect(r.dataset.images[2]!.annotations).toEqual([{ kind: 'mask', classIndex: 3, mask: { counts: [100, 40, 30, 20, 10], width: 20, height: 10 } }]);
  });

  it('reads one file of it: the split from its name, the root above annotations/', async () => {
    const r = await readCoco(join(root, 'annotations/instances_val2017.json'));
    expect(r.errors).toEqual([]);
    expect(r.root).toBe(root);
    expect(r.dataset.images.map((i) => `${i.file}:${i.split}`)).toEqual(['val2017/000000000139.jpg:val', 'val2017/000000000285.jpg:val']);
    // A given split wins over the name.
    const t = await readCoco(join(root, 'annotations/instances_val2017.json'), { split: 'test' });
    expect(t.dataset.images.map((i) => i.split)).toEqual(['test', 'test']);
  });

  it('a keypoints file read alone: one line for all its keypoints, boxes and masks imported', async () => {
    const r = await readCoco(join(root, 'annotations/person_keypoints_val2017.json'));
    expect(r.dataset.classes).toEqual(['person']);
    expect(r.dataset.images.flatMap((i) => i.annotations.map((a) => a.kind))).toEqual(['mask', 'box']);
    const kp = r.errors.find((e) => e.where === 'annotations');
    expect(kp?.reason).toBe('1 annotation carries keypoints; keypoints are not imported (their boxes, polygons and masks are)');
    // The dog annotations have no category in that file: each one is a line.
    expect(r.errors.filter((e) => e.reason.startsWith('unknown category id 18')).map((e) => e.where)).toEqual(['annotations[0].category_id', 'annotations[3].category_id']);
  });

  it('an image that cannot be found is one error naming it and every folder tried; the rest is read', async () => {
    const doc = valDoc();
    doc.images.push(img(7, 'missing.jpg', 40, 30));
    doc.annotations.push({ area: 1, iscrowd: 0, image_id: 7, bbox: [0, 0, 1, 1], category_id: 1, id: 5 });
    const dir = join(tmp, 'coco-missing');
    await put(join(dir, 'annotations/instances_val2017.json'), doc);
    await png(join(dir, 'images/val2017/000000000139.jpg'), 40, 30);
    await png(join(dir, 'images/val2017/000000000285.jpg'), 20, 10);
    const r = await readCoco(dir);
    expect(r.dataset.images.map((i) => i.file)).toEqual(['images/val2017/000000000139.jpg', 'images/val2017/000000000285.jpg']);
    expect(r.errors).toEqual([
      {
        file: join(dir, 'annotations/instances_val2017.json'),
        where: 'images[2].file_name',
        reason: 'image "missing.jpg" not found; looked in annotations, images/val2017, val2017, images/val, val, images, .',
      },
    ]);
  });
});

describe('other layouts', () => {
  it('images/train and images/val beside annotations/instances_{train,val}.json', async () => {
    const root = join(tmp, 'split-folders');
    await put(join(root, 'annotations/instances_train.json'), trainDoc());
    await put(join(root, 'annotations/instances_val.json'), valDoc());
    await png(join(root, 'images/train/000000000009.jpg'), 40, 30);
    await png(join(root, 'images/val/000000000139.jpg'), 40, 30);
    await png(join(root, 'images/val/000000000285.jpg'), 20, 10);
    const r = await readCoco(root);
    expect(r.errors).toEqual([]);
    expect(r.dataset.images.map((i) => `${i.file}:${i.split}`)).toEqual(['images/train/000000000009.jpg:train', 'images/val/000000000139.jpg:val', 'images/val/000000000285.jpg:val']);
  });

  it('a flat images/ folder, and a JSON with its images beside it', async () => {
    const flat = join(tmp, 'flat');
    await put(join(flat, 'annotations/instances_val2017.json'), valDoc());
    await png(join(flat, 'images/000000000139.jpg'), 40, 30);
    await png(join(flat, 'images/000000000285.jpg'), 20, 10);
    const a = await readCoco(flat);
    expect(a.errors).toEqual([]);
    expect(a.dataset.images.map((i) => i.file)).toEqual(['images/000000000139.jpg', 'images/000000000285.jpg']);

    const beside = join(tmp, 'beside');
    await put(join(beside, 'coco.json'), valDoc());
    await png(join(beside, '000000000139.jpg'), 40, 30);
    await png(join(beside, '000000000285.jpg'), 20, 10);
    const b = await readCoco(join(beside, 'coco.json'));
    expect(b.errors).toEqual([]);
    expect(b.dataset.images.map((i) => [i.file, i.split])).toEqual([['000000000139.jpg', undefined], ['000000000285.jpg', undefined]]);
  });

  it('Roboflow: <split>/_annotations.coco.json with the images beside it, valid = val', async () => {
    const root = join(tmp, 'roboflow');
    // As Roboflow writes it: categories first, a category 0 named after the project, "extra" per image.
    const doc = (file: string, id: number) => ({
      info: { year: '2024', version: '3', description: 'Exported from roboflow.com', contributor: '', url: 'https://public.roboflow.com', date_created: '2024-03-01T10:00:00+00:00' },
      licenses: [{ id: 1, url: 'https://creativecommons.org/licenses/by/4.0/', name: 'CC BY 4.0' }],
      categories: [
        { id: 0, name: 'vehicles-xyz', supercategory: 'none' },
        { id: 1, name: 'car', supercategory: 'vehicles-xyz' },
        { id: 2, name: 'truck', supercategory: 'vehicles-xyz' },
      ],
      images: [{ id: 0, license: 1, file_name: file, height: 30, width: 40, date_captured: '2024-03-01T10:00:00+00:00', extra: { name: 'orig.jpg' } }],
      annotations: [{ id, image_id: 0, category_id: 2, bbox: [4, 6, 20, 12], area: 240, segmentation: [], iscrowd: 0 }],
    });
    for (const [split, file] of [['train', 'a_jpg.rf.1111.jpg'], ['valid', 'b_jpg.rf.2222.jpg'], ['test', 'c_jpg.rf.3333.jpg']] as const) {
      await put(join(root, split, '_annotations.coco.json'), doc(file, file.charCodeAt(0)));
      await png(join(root, split, file), 40, 30);
    }
    await writeFile(join(root, 'README.roboflow.txt'), 'exported');
    expect(await detectFormat(root)).toBe('coco');
    const r = await readCoco(root);
    expect(r.errors).toEqual([]);
    expect(r.dataset.classes).toEqual(['vehicles-xyz', 'car', 'truck']);
    expect(r.dataset.classIds).toEqual([0, 1, 2]);
    expect(r.dataset.images.map((i) => `${i.file}:${i.split}`)).toEqual(['test/c_jpg.rf.3333.jpg:test', 'train/a_jpg.rf.1111.jpg:train', 'valid/b_jpg.rf.2222.jpg:val']);
    expect(r.dataset.images[0]!.annotations).toEqual([{ kind: 'box', classIndex: 2, x: 0.1, y: 0.2, w: 0.5, h: 0.4 }]);
    // One split's file given alone: its split from the folder.
    const one = await readCoco(join(root, 'valid/_annotations.coco.json'));
    expect(one.dataset.images.map((i) => `${i.file}:${i.split}`)).toEqual(['b_jpg.rf.2222.jpg:val']);
  });

  it('imagesRoot: file_name resolved against it, with and without the split folder', async () => {
    const ann = join(tmp, 'elsewhere-ann', 'instances_val2017.json');
    const pics = join(tmp, 'elsewhere-pics');
    await put(ann, valDoc());
    await png(join(pics, 'val2017/000000000139.jpg'), 40, 30);
    await png(join(pics, '000000000285.jpg'), 20, 10);
    const lost = await readCoco(ann);
    expect(lost.dataset.images).toEqual([]);
    expect(lost.errors.map((e) => e.reason)).toEqual([
      'image "000000000139.jpg" not found; looked in ., images/val2017, val2017, images/val, val, images',
      'image "000000000285.jpg" not found; looked in ., images/val2017, val2017, images/val, val, images',
    ]);
    const r = await readCoco(ann, { imagesRoot: pics });
    expect(r.errors).toEqual([]);
    expect(r.imageRoots).toEqual([dirname(ann), pics]);
    expect(r.dataset.images.map((i) => i.file)).toEqual(['../elsewhere-pics/val2017/000000000139.jpg', '../elsewhere-pics/000000000285.jpg']);
  });
});

describe('attributes, scores and what COCO cannot hold', () => {
  // CVAT's "COCO 1.0" export: attributes per annotation (occluded, rotation, the label's own).
  const CVAT = {
    licenses: [{ name: '', id: 0, url: '' }],
    info: { contributor: '', date_created: '', description: '', url: '', version: '', year: '' },
    categories: [{ id: 1, name: 'car', supercategory: '' }, { id: 2, name: 'tree', supercategory: '' }],
    images: [{ id: 1, width: 40, height: 30, file_name: 'frame_000000.png', license: 0, flickr_url: '', coco_url: '', date_captured: 0 }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, segmentation: [], area: 50, bbox: [1, 2, 10, 5], iscrowd: 0, attributes: { color: 'red', doors: 4, occluded: false, rotation: 0.0 } },
      { id: 2, image_id: 1, category_id: 2, segmentation: [[0, 0, 4, 0, 4, 4]], area: 8, bbox: [0, 0, 4, 4], iscrowd: 0, score: 0.75, attributes: { tags: ['a', 'b'], kind: 'oak', note: null } },
    ],
  };

  it('keeps scalar attributes and the score; a list or null value is an error line with its JSON path', async () => {
    const dir = join(tmp, 'cvat-coco');
    await put(join(dir, 'annotations/instances_default.json'), CVAT);
    await png(join(dir, 'images/frame_000000.png'), 40, 30);
    const r = await readCoco(dir);
    const file = join(dir, 'annotations/instances_default.json');
    expect(r.errors).toEqual([
      { file, where: 'annotations[1].attributes.tags', reason: 'an attribute value must be text, a number or true/false, got ["a","b"]; the attribute is not imported' },
      { file, where: 'annotations[1].attributes.note', reason: 'an attribute value must be text, a number or true/false, got null; the attribute is not imported' },
    ]);
    const [car, tree] = r.dataset.images[0]!.annotations;
    expect(car).toEqual({ kind: 'box', classIndex: 0, x: 1 / 40, y: 2 / 30, w: 0.25, h: 5 / 30, attributes: { color: 'red', doors: 4, occluded: false, rotation: 0 } });
    expect(tree).toMatchObject({ kind: 'polygon', classIndex: 1, score: 0.75, attributes: { kind: 'oak' } });
  });

  it('the writer keeps ids, masks (uncompressed counts), iscrowd, attributes; lists polylines and points', async () => {
    const d: Dataset = {
      classes: ['b', 'a', 'unused'],
      classIds: [7, 2, 40],
      images: [{
        file: 'x.png', width: 4, height: 2,
        annotations: [
          { kind: 'mask', classIndex: 0, iscrowd: true, mask: { counts: [2, 3, 3], width: 4, height: 2 } },
          { kind: 'polyline', classIndex: 1, points: [[0, 0], [1, 1]] },
          { kind: 'points', classIndex: 1, points: [[0.5, 0.5]] },
          { kind: 'box', classIndex: 1, x: 0, y: 0, w: 0.5, h: 0.5, attributes: { color: 'red' }, occluded: true, zOrder: 2 },
        ],
      }],
    };
    const w = await writeCocoFiles(d, join(tmp, 'written', 'out.json'));
    const doc = JSON.parse(await readFile(join(w.root, 'out.json'), 'utf8'));
    expect(doc.categories).toEqual([{ id: 7, name: 'b', supercategory: '' }, { id: 2, name: 'a', supercategory: '' }, { id: 40, name: 'unused', supercategory: '' }]);
    expect(doc.annotations).toEqual([
      // Runs 2 bg, 3 fg, 3 bg down 2-pixel columns: pixels 2..4 = column 1 (both rows) and the top of column 2.
      { id: 1, image_id: 1, category_id: 7, bbox: [1, 0, 2, 2], area: 3, segmentation: { size: [2, 4], counts: [2, 3, 3] }, iscrowd: 1 },
      { id: 2, image_id: 1, category_id: 2, bbox: [0, 0, 2, 1], area: 2, segmentation: [], iscrowd: 0, attributes: { color: 'red', occluded: true } },
    ]);
    expect(w.skipped).toEqual([
      { file: 'x.png', where: 'annotation 2', reason: 'COCO instances hold boxes, polygons and masks; a polyline is not written' },
      { file: 'x.png', where: 'annotation 3', reason: 'COCO instances hold boxes, polygons and masks; key points are not written' },
    ]);
    expect(w.converted).toEqual([
      { file: 'x.png', where: 'annotation 4', reason: 'written without zOrder (COCO has no such field)' },
      { file: 'x.png', where: 'annotation 4', reason: 'occluded written as attributes.occluded (as CVAT writes COCO)' },
    ]);
    await expect(writeCocoFiles({ ...d, classIds: [1, 1, 2] }, join(tmp, 'written2'))).rejects.toThrow(/category id 1 is given to two classes/);
  });

  it('round trip: handwritten COCO -> read -> write -> read keeps images, classes with ids and order, geometry, iscrowd, attributes, masks', async () => {
    const src = join(tmp, 'rt-src');
    const doc = valDoc();
    (doc.annotations[2] as Record<string, unknown>).attributes = { occluded: true, track: 3 };
    (doc.annotations[0] as Record<string, unknown>).score = 0.5;
    await put(join(src, 'annotations/instances_val2017.json'), doc);
    await png(join(src, 'val2017/000000000139.jpg'), 40, 30);
    await png(join(src, 'val2017/000000000285.jpg'), 20, 10);
    const r1 = await readCoco(src);
    expect(r1.errors).toEqual([]);
    const w = await writeCocoFiles(r1.dataset, join(tmp, 'rt-out'));
    expect(w.skipped).toEqual([]);
    for (const p of w.images) await png(join(w.root, p.to), ...((p.file.endsWith('285.jpg') ? [20, 10] : [40, 30]) as [number, number]));
    const r2 = await readCoco(w.root);
    expect(r2.errors).toEqual([]);
    expect(r2.dataset.classes).toEqual(CLASSES);
    expect(r2.dataset.classIds).toEqual(IDS);
    expect(r2.dataset.images.map((i) => [i.file, i.width, i.height])).toEqual([['images/000000000139.jpg', 40, 30], ['images/000000000285.jpg', 20, 10]]);
    r1.dataset.images.forEach((im, k) => {
      const back = r2.dataset.images[k]!.annotations;
      expect(back).toHaveLength(im.annotations.length);
      im.annotations.forEach((a, j) => {
        const b = back[j]!;
        expect({ ...b, points: 0, x: 0, y: 0, w: 0, h: 0 }).toEqual({ ...a, points: 0, x: 0, y: 0, w: 0, h: 0 });
        if (a.kind === 'polygon' && b.kind === 'polygon') a.points.forEach((p, n) => {
          expect(b.points[n]![0]).toBeCloseTo(p[0], 3);
          expect(b.points[n]![1]).toBeCloseTo(p[1], 3);
        });
        if (a.kind === 'box' && b.kind === 'box') for (const key of ['x', 'y', 'w', 'h'] as const) expect(b[key]).toBeCloseTo(a[key], 3);
      });
    });
    expect(r2.dataset.images[0]!.annotations[3]).toMatchObject({ attributes: { occluded: true, track: 3 } });
    expect(r2.dataset.images[1]!.annotations[0]).toEqual({ kind: 'mask', classIndex: 3, mask: { counts: [100, 40, 30, 20, 10], width: 20, height: 10 } });
  });
});
