import { mkdtemp, readFile, rm, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectFormat, FORMATS, type FormatName } from './index-formats';
import type { Dataset, DatasetAnnotation, DatasetImage } from './dataset';
import type { WrittenDataset } from './reports';
import type { SizeOf } from './sizes';
import { COCO_SAMPLE, CVAT_SAMPLE, LABEL_STUDIO_SAMPLE, referenceDataset } from '../../test-support/format-fixtures';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'apprentice-formats-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Stand-in images: each file holds its (upright) size as JSON; sizeOf reads it back. */
const sizeOf: SizeOf = async (p) => JSON.parse(await readFile(p, 'utf8'));

async function placeImages(root: string, dataset: Dataset, out: WrittenDataset): Promise<void> {
  out.images.forEach((p, i) => expect(p.file).toBe(dataset.images[i]!.file));
  for (const [i, p] of out.images.entries()) {
    const img = dataset.images[i]!;
    await mkdir(dirname(join(root, p.to)), { recursive: true });
    await writeFile(join(root, p.to), JSON.stringify({ width: img.width, height: img.height }));
  }
}

function bboxOf(classIndex: number, points: [number, number][]): DatasetAnnotation {
  const [xs, ys] = [points.map((p) => p[0]), points.map((p) => p[1])];
  return { kind: 'box', classIndex, x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
}

/** What a format can hold of the reference dataset. */
function expected(format: FormatName, d: Dataset): Dataset {
  const keep = (a: DatasetAnnotation): boolean =>
    format === 'voc' ? a.kind === 'box' || a.kind === 'polygon' : format === 'csv' ? a.kind !== 'polygon' : a.kind !== 'tag';
  // VOC writes a polygon as its bounding box (reported in `converted`) and always writes its two flags.
  const vocBox = (a: DatasetAnnotation): DatasetAnnotation => {
    if (a.kind !== 'polygon') return { ...a, difficult: false, truncated: false };
    const [xs, ys] = [a.points.map((p) => p[0]), a.points.map((p) => p[1])];
    const [x, y] = [Math.min(...xs), Math.min(...ys)];
    return { kind: 'box', classIndex: a.classIndex, x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y, difficult: false, truncated: false };
  };
  return {
    classes: d.classes,
    images: d.images.map((img) => {
      const out: DatasetImage = { ...img, annotations: img.annotations.filter(keep) };
      if (format === 'coco') delete out.split;
      if (format === 'voc') out.annotations = out.annotations.map(vocBox);
      // YOLO detect writes a polygon as its bounding box (listed in `converted`); 'yolo-seg' keeps polygons.
      if (format === 'yolo') out.annotations = out.annotations.map((a) => (a.kind === 'polygon' ? bboxOf(a.classIndex, a.points) : a));
      return out;
    }),
  };
}

/** Compare within float rounding of the pixel conversion. */
function expectSame(actual: Dataset, wanted: Dataset, fileMap: Map<string, string>): void {
  expect(actual.classes).toEqual(wanted.classes);
  expect(actual.images).toHaveLength(wanted.images.length);
  const byFile = new Map(actual.images.map((i) => [i.file, i]));
  for (const w of wanted.images) {
    const a = byFile.get(fileMap.get(w.file)!);
    expect(a, w.file).toBeDefined();
    expect([a!.width, a!.height, a!.split]).toEqual([w.width, w.height, w.split]);
    expect(a!.annotations).toHaveLength(w.annotations.length);
    a!.annotations.forEach((got, k) => {
      const want = w.annotations[k]!;
      expect({ ...got, x: 0, y: 0, w: 0, h: 0, points: [] }).toEqual({ ...want, x: 0, y: 0, w: 0, h: 0, points: [] });
      if (got.kind === 'box' && want.kind === 'box') {
        for (const key of ['x', 'y', 'w', 'h'] as const) expect(got[key]).toBeCloseTo(want[key], 9);
      }
      if (got.kind === 'polygon' && want.kind === 'polygon') {
        expect(got.points).toHaveLength(want.points.length); // vertex order kept
        got.points.forEach((p, j) => {
          expect(p[0]).toBeCloseTo(want.points[j]![0], 9);
          expect(p[1]).toBeCloseTo(want.points[j]![1], 9);
        });
      }
    });
  }
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name), `${rel}${e.name}/`);
      else if (!/\.(jpg|png)$/.test(e.name)) out[`${rel}${e.name}`] = await readFile(join(d, e.name), 'utf8');
    }
  };
  await walk(dir, '');
  return out;
}

const OUT: Record<string, string> = { coco: 'coco/instances.json', yolo: 'yolo', voc: 'voc', csv: 'csv/boxes.csv' };

describe.each(['coco', 'yolo', 'voc', 'csv'] as const)('%s round trip', (format) => {
  it('export -> import is lossless for what the format holds; classes keep their order', async () => {
    const fmt = FORMATS[format];
    const ref = referenceDataset();
    const out1 = join(tmp, 'rt1', OUT[format]!);
    const w1 = await fmt.write!(ref, out1);
    await placeImages(w1.root, ref, w1);
    expect(await detectFormat(out1)).toBe(format);
    const r1 = await fmt.read(out1, { sizeOf });
    expect(r1.errors).toEqual([]);
    const fileMap = new Map(w1.images.map((p) => [p.file, p.to]));
    expectSame(r1.dataset, expected(format, ref), fileMap);
    // What could not be written is said, never dropped silently.
    const lost = ref.images.flatMap((i) => i.annotations).length - expected(format, ref).images.flatMap((i) => i.annotations).length;
    expect(w1.skipped).toHaveLength(lost);
    if (format === 'voc') expect(w1.converted).toEqual([{ file: 'a.jpg', where: '', reason: '1 polygon written as its bounding box' }]);

    // import -> export -> import: the same files again (class order never shifts).
    const out2 = join(tmp, 'rt2', OUT[format]!);
    const w2 = await fmt.write!(r1.dataset, out2);
    await placeImages(w2.root, r1.dataset, w2);
    expect(await snapshot(w2.root)).toEqual(await snapshot(w1.root));
    const r2 = await fmt.read(out2, { sizeOf });
    expect(r2.errors).toEqual([]);
    expect(r2.dataset).toEqual(r1.dataset);
  });
});

describe('details of the writers', () => {
  it('YOLO writes an empty .txt for an image without objects and names in class order', async () => {
    const w = await FORMATS.yolo.write!(referenceDataset(), join(tmp, 'yolo-empty'));
    expect(await readFile(join(w.root, 'labels/train/c.txt'), 'utf8')).toBe('');
    expect(await readFile(join(w.root, 'labels/d.txt'), 'utf8')).toBe(''); // its tag cannot be written
    const yaml = await readFile(join(w.root, 'data.yaml'), 'utf8');
    // The whole class list in id order (id = position), as Ultralytics reads it.
    expect(yaml).toContain('names:\n  - "zebra"\n  - "cat"\n  - "dog"\n');
    expect(yaml).toContain('train: images/train\nval: images/val\ntest: images/test\nnc: 3');
    expect(w.images.map((i) => i.to)).toEqual(['images/train/a.jpg', 'images/val/b.png', 'images/train/c.jpg', 'images/test/a.jpg', 'images/d.jpg']);
  });

  it('YOLO without splits: flat images/ and labels/, read back without a split', async () => {
    const flat: Dataset = { classes: ['a'], images: [{ file: 'x.jpg', width: 8, height: 8, annotations: [{ kind: 'box', classIndex: 0, x: 0, y: 0, w: 0.5, h: 0.5 }] }] };
    const w = await FORMATS.yolo.write!(flat, join(tmp, 'yolo-flat'));
    await placeImages(w.root, flat, w);
    expect(w.images[0]!.to).toBe('images/x.jpg');
    const r = await FORMATS.yolo.read(w.root, { sizeOf });
    expect(r.errors).toEqual([]);
    expect(r.dataset.images).toEqual([{ file: 'images/x.jpg', width: 8, height: 8, annotations: flat.images[0]!.annotations }]);
  });

  it('COCO uses category ids index+1 and pixel coordinates of the upright (EXIF-rotated) size', async () => {
    const w = await FORMATS.coco.write!(referenceDataset(), join(tmp, 'coco-ids', 'x.json'));
    const doc = JSON.parse(await readFile(join(w.root, 'x.json'), 'utf8'));
    expect(doc.categories.map((c: { id: number; name: string }) => [c.id, c.name])).toEqual([[1, 'zebra'], [2, 'cat'], [3, 'dog']]);
    // sub/b.png is 640x480 on disk with EXIF orientation 6: the model (and the file) say 480x640.
    expect(doc.images[1]).toEqual({ id: 2, file_name: 'b.png', width: 480, height: 640 });
    expect(doc.annotations.find((a: { image_id: number }) => a.image_id === 2).bbox).toEqual([240, 160, 120, 320]);
    expect(doc.images.map((i: { file_name: string }) => i.file_name)).toEqual(['a.jpg', 'b.png', 'c.jpg', 'a-2.jpg', 'd.jpg']);
    const poly = doc.annotations[1];
    expect(poly.segmentation[0]).toEqual([320, 240, 576, 264, 448, 456, 332.8, 384]);
    expect(poly.bbox).toEqual([320, 240, 256, 216]);
  });

  it('the same box lands on the same pixels in COCO, VOC and CSV', async () => {
    const one: Dataset = { classes: ['c'], images: [{ file: 'r.jpg', width: 480, height: 640, annotations: [{ kind: 'box', classIndex: 0, x: 0.5, y: 0.25, w: 0.25, h: 0.5 }] }] };
    const voc = await FORMATS.voc.write!(one, join(tmp, 'px-voc'));
    const xml = await readFile(join(voc.root, 'Annotations/r.xml'), 'utf8');
    expect(xml).toContain('<width>480</width>');
    expect(xml).toMatch(/<xmin>240<\/xmin>\s*<ymin>160<\/ymin>\s*<xmax>360<\/xmax>\s*<ymax>480<\/ymax>/);
    const csv = await FORMATS.csv.write!(one, join(tmp, 'px-csv', 'b.csv'));
    expect(await readFile(join(csv.root, 'b.csv'), 'utf8')).toBe('path,label,x,y,w,h,split\nimages/r.jpg,c,240,160,120,320,\n');
  });

  it('a model with a class index out of range is refused by writers', () => {
    const bad: Dataset = { classes: ['a'], images: [{ file: 'x.jpg', width: 10, height: 10, annotations: [{ kind: 'box', classIndex: 3, x: 0, y: 0, w: 1, h: 1 }] }] };
    return expect(FORMATS.yolo.write!(bad, join(tmp, 'bad'))).rejects.toThrow(/class index 3/);
  });
});

describe('read-only formats and the file layer', () => {
  it('reads Label Studio and CVAT files, detected by content', async () => {
    const ls = join(tmp, 'ls', 'export.json');
    const cvat = join(tmp, 'cvat', 'annotations.xml');
    const coco = join(tmp, 'cocoin', 'instances_val.json');
    for (const [p, t] of [[ls, LABEL_STUDIO_SAMPLE], [cvat, CVAT_SAMPLE], [coco, COCO_SAMPLE]] as const) {
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, t);
    }
    expect(await detectFormat(ls)).toBe('labelstudio');
    expect(await detectFormat(dirname(cvat))).toBe('cvat');
    expect(await detectFormat(coco)).toBe('coco');
    expect((await FORMATS.labelstudio.read(ls)).dataset.images).toHaveLength(2);
    expect((await FORMATS.cvat.read(dirname(cvat))).dataset.classes).toEqual(['dog', 'cat']);
    // A COCO folder: the split is guessed from each file's name; the images must exist (a missing one is an error).
    await writeFile(join(tmp, 'cocoin', 'instances_train.json'), COCO_SAMPLE.replace(/"a\.jpg"/, '"t.jpg"').replace(/"b\.jpg"/, '"u.jpg"').replace(/"empty\.jpg"/, '"v.jpg"'));
    for (const f of ['t.jpg', 'u.jpg', 'v.jpg', 'a.jpg', 'b.jpg', 'empty.jpg']) await writeFile(join(tmp, 'cocoin', f), '');
    const both = await FORMATS.coco.read(join(tmp, 'cocoin'));
    expect(both.errors).toEqual([]);
    expect(both.dataset.images.map((i) => `${i.file}:${i.split}`)).toEqual(['t.jpg:train', 'u.jpg:train', 'v.jpg:train', 'a.jpg:val', 'b.jpg:val', 'empty.jpg:val']);
  });

  it('an unreadable file is one error and an empty dataset', async () => {
    for (const f of ['coco', 'csv', 'labelstudio', 'cvat', 'voc', 'yolo'] as const) {
      const r = await FORMATS[f].read(join(tmp, 'nope', `missing.${f === 'csv' ? 'csv' : 'json'}`));
      expect(r.dataset.images, f).toEqual([]);
      expect(r.errors, f).toHaveLength(1);
    }
  });

  it('YOLO reads a Roboflow-style layout (train/images, ../ paths) and reports orphan labels', async () => {
    const root = join(tmp, 'robo');
    const files: Record<string, string> = {
      'data.yaml': 'train: ../train/images\nval: ../valid/images\nnc: 2\nnames: [\'a\', \'b\']\n',
      'train/images/x.jpg': '{"width":10,"height":20}',
      'train/labels/x.txt': '1 0.5 0.5 0.5 0.5\n',
      'valid/images/y.jpg': '{"width":30,"height":40}',
      'valid/labels/z.txt': '0 0.5 0.5 0.5 0.5\n',
    };
    for (const [p, t] of Object.entries(files)) {
      await mkdir(dirname(join(root, p)), { recursive: true });
      await writeFile(join(root, p), t);
    }
    const r = await FORMATS.yolo.read(root, { sizeOf });
    expect(r.dataset.images.map((i) => [i.file, i.split, i.width, i.annotations.length])).toEqual([
      ['train/images/x.jpg', 'train', 10, 1],
      ['valid/images/y.jpg', 'val', 30, 0],
    ]);
    expect(r.errors).toEqual([{ file: join(root, 'valid/labels/z.txt'), where: '', reason: 'label file without an image' }]);
  });
});
