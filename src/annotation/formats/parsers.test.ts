import { describe, expect, it } from 'vitest';
import { parseCoco } from './coco';
import { parseBoxCsv } from './csv-boxes';
import { parseCvat } from './cvat';
import { parseLabelStudio } from './labelstudio';
import type { FormatProblem, ParseResult } from './reports';
import type { SizeLookup } from './sizes';
import { COCO_SAMPLE, CSV_SAMPLE, CVAT_SAMPLE, LABEL_STUDIO_SAMPLE, VOC_SAMPLE, YOLO_LABELS, YOLO_YAML } from '../../test-support/format-fixtures';
import { parseVoc } from './voc';
import { parseYolo } from './yolo';

const sizes: SizeLookup = () => ({ width: 200, height: 100 });

function only(r: ParseResult): FormatProblem {
  expect(r.errors).toHaveLength(1);
  return r.errors[0]!;
}

type CocoDoc = { images: Record<string, unknown>[]; categories: Record<string, unknown>[]; annotations: Record<string, unknown>[] };
type LsDoc = { data: Record<string, unknown>; annotations: { result: { type: string; value: Record<string, unknown> }[] }[] }[];
const res = (d: LsDoc, k: number) => d[0]!.annotations[1]!.result[k]!;

function coco(patch: (doc: CocoDoc) => void): ParseResult {
  const doc = JSON.parse(COCO_SAMPLE);
  patch(doc);
  return parseCoco(JSON.stringify(doc), 'inst.json');
}

describe('COCO', () => {
  it('reads images, non-contiguous categories (by id), boxes, polygons and iscrowd in pixels -> normalized', () => {
    const r = parseCoco(COCO_SAMPLE, 'inst.json');
    expect(r.errors).toEqual([]);
    expect(r.dataset.classes).toEqual(['cat', 'dog']); // ids 3, 7
    const [a, b, empty] = r.dataset.images;
    expect(a).toMatchObject({ file: 'a.jpg', width: 640, height: 480 });
    expect(a!.annotations[0]).toEqual({ kind: 'box', classIndex: 0, x: 0.1, y: 0.1, w: 0.2, h: 0.2 });
    expect(a!.annotations[1]).toMatchObject({ kind: 'polygon', classIndex: 1, points: [[0, 0], [10 / 640, 0], [10 / 640, 10 / 480]] });
    expect(b!.annotations[0]).toMatchObject({ kind: 'box', iscrowd: true, x: 0.5, w: 0.5 });
    expect(empty!.annotations).toEqual([]);
  });

  it.each([
    ['unknown category id', (d: CocoDoc) => { d.annotations[0]!.category_id = 99; }, 'annotations[0].category_id', 'unknown category id 99'],
    ['missing image entry', (d: CocoDoc) => { d.annotations[1]!.image_id = 42; }, 'annotations[1].image_id', 'missing image entry'],
    ['no image_id', (d: CocoDoc) => { delete d.annotations[1]!.image_id; }, 'annotations[1]', 'has no image_id'],
    ['bad number', (d: CocoDoc) => { d.annotations[0]!.bbox = [1, 2, 'x', 4]; }, 'annotations[0].bbox[2]', 'bad number "x"'],
    ['box outside the image', (d: CocoDoc) => { d.annotations[2]!.bbox = [150, 50, 51, 50]; }, 'annotations[2].bbox', 'outside the 200x100 image'],
    ['negative box size', (d: CocoDoc) => { d.annotations[2]!.bbox = [150, 50, -5, 50]; }, 'annotations[2].bbox[2]', 'negative width'],
    ['polygon with 2 points', (d: CocoDoc) => { d.annotations[1]!.segmentation = [[0, 0, 5, 5]]; }, 'annotations[1].segmentation[0]', 'at least 3 points'],
    ['negative image size', (d: CocoDoc) => { d.images[2]!.width = -5; }, 'images[2].width', 'must be positive'],
  ])('reports %s with its JSON path and keeps the rest', (_name, patch, where, reason) => {
    const r = coco(patch);
    const e = only(r);
    expect(e).toMatchObject({ file: 'inst.json', where });
    expect(e.reason).toContain(reason);
    const total = r.dataset.images.reduce((n, i) => n + i.annotations.length, 0);
    expect(total).toBeGreaterThanOrEqual(2); // the valid part is still there
  });

  it('accepts float noise at the border but rejects a real overflow, clamping nothing silently', () => {
    const ok = coco((d) => {
      d.annotations[2]!.bbox = [100, 50, 100.004, 50];
    });
    expect(ok.errors).toEqual([]);
    expect(ok.dataset.images[1]!.annotations[0]).toMatchObject({ x: 0.5, w: 0.5 });
    const bad = coco((d) => {
      d.annotations[2]!.bbox = [100, 50, 100.5, 50];
    });
    expect(only(bad).reason).toContain('outside');
    expect(bad.dataset.images[1]!.annotations).toEqual([]);
  });

  it('rejects an annotation of a rejected image naming the image entry', () => {
    const r = coco((d) => {
      d.images[1]!.height = 0;
    });
    expect(r.errors.map((e) => e.where)).toEqual(['images[1].height', 'annotations[2].image_id']);
    expect(r.errors[1]!.reason).toContain('rejected (see images[1])');
  });

  it('an unreadable file gives one error (with line:column) and an empty dataset', () => {
    const r = parseCoco('{\n  "images": [,]\n}', 'bad.json');
    expect(r.dataset).toEqual({ classes: [], images: [] });
    expect(only(r)).toMatchObject({ file: 'bad.json', where: 'line 2:14' });
    expect(only(r).reason).toMatch(/^not valid JSON/);
    expect(only(parseCoco('[]', 'x.json')).reason).toContain('JSON object');
  });
});

describe('YOLO', () => {
  const input = (labels: string, config = YOLO_YAML) => ({
    config: { file: 'data.yaml', text: config },
    images: [{ file: 'images/train/a.jpg', split: 'train' as const, label: { file: 'labels/train/a.txt', text: labels } }, { file: 'images/val/e.jpg' }],
  });

  it('reads names (index map), boxes, segments and image sizes from the callback', () => {
    const r = parseYolo(input(YOLO_LABELS), sizes);
    expect(r.errors).toEqual([]);
    expect(r.dataset.classes).toEqual(['person', 'bi cycle', 'car']);
    const a = r.dataset.images[0]!;
    expect(a).toMatchObject({ file: 'images/train/a.jpg', width: 200, height: 100, split: 'train' });
    expect(a.annotations[0]).toMatchObject({ kind: 'box', classIndex: 0 });
    expect(a.annotations[0]!.kind === 'box' && a.annotations[0]!.w).toBeCloseTo(0.2, 12);
    expect(a.annotations[0]!.kind === 'box' && a.annotations[0]!.x).toBeCloseTo(0.4, 12);
    expect(a.annotations[1]).toEqual({ kind: 'polygon', classIndex: 2, points: [[0.1, 0.1], [0.3, 0.1], [0.2, 0.3]] });
    expect(r.dataset.images[1]!.annotations).toEqual([]);
  });

  it.each([
    ['3 0.5 0.5 0.1 0.1', 'line 1', 'unknown class index 3'],
    ['0 0.5 0.5 abc 0.1', 'line 1', 'bad number "abc"'],
    ['0 0.9 0.5 0.4 0.1', 'line 1', 'outside'],
    ['0 0.5 0.5 -0.1 0.1', 'line 1', 'negative'],
    ['1 0.1 0.1 0.2 0.2 0.3 0.3 0.4', 'line 1', 'odd number'],
    ['0 0.5 0.5 0.1 0.1\n\n1 0.1 0.2', 'line 3', 'at least 3 points'],
    ['0.5 0.5 0.5 0.1 0.1', 'line 1', 'not a whole number'],
  ])('rejects %j at its line', (labels, where, reason) => {
    const r = parseYolo(input(labels), sizes);
    const e = r.errors.find((x) => x.file === 'labels/train/a.txt')!;
    expect(e.where).toBe(where);
    expect(e.reason).toContain(reason);
  });

  it('names from a list, nc mismatch reported, classes.txt fallback, none at all', () => {
    const list = parseYolo(input('1 0.5 0.5 0.1 0.1', 'names: [a, b]\nnc: 3\n'), sizes);
    expect(list.dataset.classes).toEqual(['a', 'b']);
    expect(only(list)).toMatchObject({ file: 'data.yaml', where: 'line 2' });
    const txt = parseYolo({ classNames: { file: 'classes.txt', text: 'x\ny\n' }, images: input('1 0.5 0.5 0.1 0.1').images }, sizes);
    expect(txt.errors).toEqual([]);
    expect(txt.dataset.classes).toEqual(['x', 'y']);
    const none = parseYolo({ images: input('2 0.5 0.5 0.1 0.1').images }, sizes);
    expect(none.dataset.classes).toEqual(['class_0', 'class_1', 'class_2']);
    expect(only(none).reason).toContain('no class names');
  });

  it('reports an image whose size cannot be read, and orphan label files', () => {
    const r = parseYolo({ ...input(''), orphanLabels: ['labels/x.txt'] }, (f) => (f.endsWith('e.jpg') ? { error: 'corrupt' } : { width: 1, height: 1 }));
    expect(r.dataset.images).toHaveLength(1);
    expect(r.errors).toEqual([
      { file: 'images/val/e.jpg', where: '', reason: 'cannot read the image size: corrupt' },
      { file: 'labels/x.txt', where: '', reason: 'label file without an image' },
    ]);
  });
});

describe('Pascal VOC', () => {
  it('reads filename, size, objects, entities and difficult/truncated', () => {
    const r = parseVoc({ files: [{ file: 'Annotations/000005.xml', text: VOC_SAMPLE }], splits: new Map([['000005', 'val']]) });
    expect(r.errors).toEqual([]);
    expect(r.dataset.classes).toEqual(['chair', 'b&w tv']);
    const img = r.dataset.images[0]!;
    expect(img).toMatchObject({ file: '000005.jpg', width: 500, height: 375, split: 'val' });
    // <pose>Rear</pose> is kept as an attribute ("Unspecified" would not be).
    expect(img.annotations[0]).toEqual({
      kind: 'box', classIndex: 0, x: 263 / 500, y: 211 / 375, w: 61 / 500, h: 128 / 375, difficult: true, truncated: false, attributes: { pose: 'Rear' },
    });
    expect(img.annotations[1]).toMatchObject({ kind: 'box', classIndex: 1, x: 0, w: 1 });
  });

  it.each([
    ['<xmin>263</xmin>', '<xmin>26x3</xmin>', 'line 12:13', 'bad number "26x3"'],
    ['<xmax>324</xmax>', '<xmax>600</xmax>', 'line 12:5', 'outside the 500x375 image'],
    ['<xmax>324</xmax>', '<xmax>200</xmax>', 'line 12:5', 'negative box size'],
    ['<width>500</width>', '<width>-500</width>', 'line 6:9', 'must be positive'],
    ['<difficult>1</difficult>', '<difficult>yes</difficult>', 'line 11:5', 'must be 0 or 1'],
    ['</object>\n  <object>', '</objet>\n  <object>', 'line 13:3', 'does not match <object>'],
  ])('rejects %j -> %j at line:column', (from, to, where, reason) => {
    const r = parseVoc({ files: [{ file: 'x.xml', text: VOC_SAMPLE.replace(from, to) }] });
    const e = only(r);
    expect(e).toMatchObject({ file: 'x.xml', where });
    expect(e.reason).toContain(reason);
  });

  it('asks for the size when the file says 0, and keeps class order from labels.txt', () => {
    const text = VOC_SAMPLE.replace('<width>500</width><height>375</height>', '<width>0</width><height>0</height>');
    const r = parseVoc({ files: [{ file: 'x.xml', text }], classes: ['b&w tv', 'sofa'] }, () => ({ width: 500, height: 375 }));
    expect(r.errors).toEqual([]);
    expect(r.dataset.images[0]).toMatchObject({ width: 500, height: 375 });
    expect(r.dataset.classes).toEqual(['b&w tv', 'sofa', 'chair']);
    expect(only(parseVoc({ files: [{ file: 'x.xml', text }] })).reason).toContain('size is missing or 0');
  });
});

describe('box CSV', () => {
  it('reads boxes in pixels, tags, images without labels and quoted paths', () => {
    const r = parseBoxCsv(CSV_SAMPLE, 'boxes.csv', {}, sizes);
    expect(r.errors).toEqual([]);
    expect(r.dataset.classes).toEqual(['cat', 'dog']);
    expect(r.dataset.images.map((i) => i.file)).toEqual(['img/a.jpg', 'img/b.jpg', 'img/c, d.jpg']);
    expect(r.dataset.images[0]!.annotations).toEqual([
      { kind: 'box', classIndex: 0, x: 0.05, y: 0.2, w: 0.15, h: 0.4 },
      { kind: 'box', classIndex: 1, x: 0, y: 0, w: 0.5, h: 0.5 },
    ]);
    expect(r.dataset.images[1]!.annotations).toEqual([{ kind: 'tag', classIndex: 0 }]);
    expect(r.dataset.images[2]!.annotations).toEqual([]);
    const positional = parseBoxCsv('a.jpg,cat,0,0,10,10,val\nb.jpg,dog\n', 'p.csv', {}, sizes);
    expect(positional.errors).toEqual([]);
    expect(positional.dataset.images[0]).toMatchObject({ split: 'val', width: 200 });
  });

  it.each([
    ['a.jpg,cat,10,20,abc,40', 'line 2', 'bad number "abc" for w'],
    ['a.jpg,cat,190,20,30,40', 'line 2', 'outside the 200x100 image'],
    ['a.jpg,cat,10,20,-30,40', 'line 2', 'negative'],
    ['a.jpg,cat,10,20,,40', 'line 2', 'no w value'],
    ['a.jpg,,10,20,30,40', 'line 2', 'without a label'],
    [',cat,,,,', 'line 2', 'path is empty'],
    ['a.jpg,cat,1,2,3,4,5,6,7', 'line 2', 'header has 6 columns'],
    ['"a.jpg,cat,1,2,3,4', 'line 2', 'never closed'],
  ])('rejects %j at its line', (row, where, reason) => {
    const r = parseBoxCsv(`path,label,x,y,w,h\n${row}\n`, 'b.csv', {}, sizes);
    const e = r.errors[0]!;
    expect(e).toMatchObject({ file: 'b.csv', where });
    expect(e.reason).toContain(reason);
  });

  it('a badly quoted row is reported and the rows after it are still read', () => {
    const r = parseBoxCsv('a.jpg,ca"t,1,2,3,4\nb.jpg,dog\n', 'q.csv', {}, sizes);
    expect(only(r)).toMatchObject({ where: 'line 1' });
    expect(only(r).reason).toContain('quote inside an unquoted field');
    expect(r.dataset.images.map((i) => i.file)).toEqual(['b.jpg']);
  });

  it('needs the image size for a box row, not for a tag', () => {
    const r = parseBoxCsv('a.jpg,cat\nb.jpg,cat,1,1,2,2\n', 'x.csv');
    expect(r.dataset.images[0]!.annotations).toHaveLength(1);
    expect(only(r)).toMatchObject({ where: 'line 2' });
    expect(only(r).reason).toContain('size is unknown');
  });
});

describe('Label Studio', () => {
  it('reads rectangles and polygons in percent, choices as tags, the last non-cancelled annotation', () => {
    const r = parseLabelStudio(LABEL_STUDIO_SAMPLE, 'ls.json');
    expect(r.errors).toEqual([]);
    expect(r.dataset.classes).toEqual(['cat', 'dog', 'outdoor']);
    const [a, b] = r.dataset.images;
    expect(a).toMatchObject({ file: '/data/upload/1/abc-a.jpg', width: 200, height: 100 });
    expect(a!.annotations[0]).toMatchObject({ kind: 'box', classIndex: 0, x: 0.1, y: 0.2, w: 0.3, h: 0.4 });
    expect(a!.annotations[1]).toEqual({ kind: 'polygon', classIndex: 1, points: [[0.1, 0.1], [0.5, 0.1], [0.3, 0.6]] });
    expect(a!.annotations[2]).toEqual({ kind: 'tag', classIndex: 2 });
    expect(b).toMatchObject({ file: 'photos/b c.jpg', annotations: [] });
  });

  it('turns a rotated rectangle into the 4-point polygon Label Studio shows', () => {
    const doc = JSON.parse(LABEL_STUDIO_SAMPLE);
    doc[0].annotations[1].result = [{ type: 'rectanglelabels', original_width: 200, original_height: 100, value: { x: 50, y: 10, width: 20, height: 40, rotation: 90, rectanglelabels: ['cat'] } }];
    const poly = parseLabelStudio(JSON.stringify(doc), 'ls.json').dataset.images[0]!.annotations[0]!;
    expect(poly.kind).toBe('polygon');
    const pts = poly.kind === 'polygon' ? poly.points : [];
    // top-left (100, 10) px; width 40 px now points down, height 40 px points left
    [[0.5, 0.1], [0.5, 0.5], [0.3, 0.5], [0.3, 0.1]].forEach(([x, y], i) => {
      expect(pts[i]![0]).toBeCloseTo(x!, 9);
      expect(pts[i]![1]).toBeCloseTo(y!, 9);
    });
  });

  it.each([
    [(d: LsDoc) => { res(d, 0).value.x = 'ten'; }, '[0].annotations[1].result[0].value.x', 'bad number'],
    [(d: LsDoc) => { res(d, 0).value.x = 90; }, '[0].annotations[1].result[0]', 'outside'],
    [(d: LsDoc) => { res(d, 1).value.points = [[1, 1], [2, 2]]; }, '[0].annotations[1].result[1].value.points', 'at least 3 points'],
    [(d: LsDoc) => { res(d, 2).type = 'ellipselabels'; }, '[0].annotations[1].result[2].type', 'unsupported result type'], // brushlabels is read now
    [(d: LsDoc) => { delete d[1]!.data.image; d[1]!.data.a = 1; }, '[1].data.image', 'no image'],
  ])('reports bad results by JSON path (%#)', (patch, where, reason) => {
    const doc = JSON.parse(LABEL_STUDIO_SAMPLE);
    patch(doc);
    const e = only(parseLabelStudio(JSON.stringify(doc), 'ls.json'));
    expect(e.where).toBe(where);
    expect(e.reason).toContain(reason);
  });
});

describe('CVAT for images 1.1', () => {
  it('reads meta label order, boxes, polygons, tags and subsets', () => {
    const r = parseCvat(CVAT_SAMPLE, 'annotations.xml');
    expect(r.errors).toEqual([]);
    expect(r.dataset.classes).toEqual(['dog', 'cat']);
    const [a, b] = r.dataset.images;
    expect(a).toMatchObject({ file: 'a.jpg', width: 640, height: 480, split: 'train' });
    expect(a!.annotations).toEqual([
      // CVAT's occluded, z_order and source are kept (occluded, zOrder, author).
      { kind: 'box', classIndex: 1, x: 0.1, y: 0.1, w: 0.2, h: 0.2, occluded: false, zOrder: 0, author: 'manual' },
      { kind: 'polygon', classIndex: 0, points: [[10 / 640, 10 / 480], [100 / 640, 10 / 480], [50 / 640, 80 / 480]], occluded: false, zOrder: 0 },
      { kind: 'tag', classIndex: 1, author: 'manual' },
    ]);
    expect(b).toMatchObject({ split: 'val', annotations: [] });
  });

  it.each([
    ['xbr="192.00"', 'xbr="700"', 'line 13:5', 'outside the 640x480 image'],
    ['xbr="192.00"', 'xbr="1x2"', 'line 13:5', 'bad number "1x2"'],
    ['points="10.0,10.0;100.0,10.0;50.0,80.0"', 'points="10,10;100,10"', 'line 14:5', 'at least 3 points'],
    ['points="10.0,10.0;100.0,10.0;50.0,80.0"', 'points="10,10;100;5,5"', 'line 14:5', 'bad point "100"'],
    ['width="100"', 'width="-100"', 'line 17:3', 'must be positive'],
    ['<tag label="cat" source="manual"/>', '<ellipse label="cat" cx="5" cy="5" rx="2" ry="2"/>', 'line 15:5', 'not supported'],
    ['<tag label="cat" source="manual"/>', '<tag label="cat" label="dog"/>', 'line 15:22', 'duplicate attribute'],
  ])('rejects %j -> %j at line:column', (from, to, where, reason) => {
    const r = parseCvat(CVAT_SAMPLE.replace(from, to), 'annotations.xml');
    const e = r.errors[0]!;
    expect(e).toMatchObject({ file: 'annotations.xml', where });
    expect(e.reason).toContain(reason);
  });
});
