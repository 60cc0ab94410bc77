// The streamed reader (big files) must give exactly what JSON.parse gives: same dataset, same
// errors at the same JSON paths, whatever the order of the top-level lists and the chunk size.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCoco, readCoco } from './coco';
import { CocoBuilder } from './coco-build';
import { streamCocoFile } from './coco-stream';
import { COCO_SAMPLE } from '../../test-support/format-fixtures';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'apprentice-coco-stream-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Parse `text` both ways (JSON.parse; streamed in chunks of `chunk` characters) and return both. */
async function both(name: string, text: string, chunk = 5) {
  const file = join(tmp, name);
  await writeFile(file, text);
  const whole = parseCoco(text, file);
  const b = new CocoBuilder(file);
  const outcome = await streamCocoFile(file, b, chunk);
  const { dataset, errors } = b.finish();
  return { whole, streamed: { dataset, errors }, outcome };
}

// Keys in pycocotools order (categories last), with problems of every kind in the annotations.
const DOC = {
  info: { description: 'x', nested: { deep: [1, [2, { three: 3 }]] } },
  licenses: [],
  images: [
    { id: 1, file_name: 'a.jpg', width: 40, height: 30 },
    { id: 2, file_name: 'b.jpg', width: 0, height: 30 },
    { id: 3, file_name: 'c \u00e9\u6f22.jpg', width: 20, height: 10 },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 5, bbox: [1, 2, 3, 4], iscrowd: 0, attributes: { a: 'x', bad: { no: 1 } } },
    { id: 2, image_id: 1, category_id: 99, bbox: [1, 2, 3, 4] },
    { id: 3, image_id: 2, category_id: 5, bbox: [1, 2, 3, 4] },
    { id: 4, image_id: 3, category_id: 9, bbox: [1, 2, 'x', 4] },
    { id: 5, image_id: 3, category_id: 9, segmentation: [[0, 0, 10, 0, 10, 5], [1, 1, 2, 2, 3, 1]], score: 0.25 },
    { id: 6, image_id: 3, category_id: 9, segmentation: { size: [10, 20], counts: 'T3X1n0\\O\\O' }, iscrowd: 1 },
    { id: 7, image_id: 3, category_id: 9, segmentation: { size: [10, 20], counts: [199] } },
    { id: 8, image_id: 1, category_id: 99, segmentation: [[0, 0, 10, 0, 10, 5], [1, 1, 2, 2, 3, 1]] },
  ],
  categories: [
    { id: 9, name: 'dog', supercategory: 'animal' },
    { id: 5, name: 'cat' },
    { id: 11, name: 'unused' },
  ],
};

describe('streamed COCO', () => {
  it('gives what JSON.parse gives, categories last, in chunks that split tokens and UTF-8 characters', async () => {
    for (const chunk of [3, 64, 1 << 20]) {
      const { whole, streamed, outcome } = await both(`doc-${chunk}.json`, JSON.stringify(DOC, null, 1), chunk);
      expect(outcome).toEqual({ ok: true });
      expect(streamed).toEqual(whole);
    }
    const { whole } = await both('doc.json', JSON.stringify(DOC));
    expect(whole.dataset.classes).toEqual(['cat', 'dog', 'unused']);
    expect(whole.dataset.classIds).toEqual([5, 9, 11]);
    expect(whole.errors.map((e) => e.where)).toEqual([
      'images[1].width',
      'annotations[0].attributes.bad',
      'annotations[1].category_id',
      'annotations[2].image_id',
      'annotations[3].bbox[2]',
      'annotations[6].segmentation.counts',
      'annotations[7].category_id',
    ]);
    expect(whole.dataset.images.map((i) => i.annotations.length)).toEqual([1, 3]);
  });

  it('annotations before images and categories: kept aside until their image is known', async () => {
    const doc = { annotations: DOC.annotations, categories: DOC.categories, images: DOC.images };
    const { whole, streamed } = await both('ann-first.json', JSON.stringify(doc), 17);
    expect(streamed).toEqual(whole);
    const { whole: ref } = await both('ref.json', JSON.stringify(DOC));
    expect(whole).toEqual({ ...ref, errors: ref.errors.map((e) => ({ ...e, file: join(tmp, 'ann-first.json') })) });
  });

  it('the COCO sample and a byte-order mark', async () => {
    const { whole, streamed } = await both('sample.json', `\uFEFF${COCO_SAMPLE}`);
    expect(whole.errors).toEqual([]);
    expect(streamed).toEqual(whole);
  });

  it('readCoco streams above the threshold with the same result, and bad JSON names line:column', async () => {
    const dir = join(tmp, 'read');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'instances.json'), JSON.stringify(DOC, null, 2));
    for (const f of ['a.jpg', 'b.jpg', 'c \u00e9\u6f22.jpg']) await writeFile(join(dir, f), '');
    const small = await readCoco(join(dir, 'instances.json'));
    const streamed = await readCoco(join(dir, 'instances.json'), { streamAbove: 0 });
    expect(streamed).toEqual(small);
    expect(small.dataset.images.map((i) => i.file)).toEqual(['a.jpg', 'c \u00e9\u6f22.jpg']);

    await writeFile(join(dir, 'bad.json'), '{\n  "images": [,]\n}');
    for (const streamAbove of [0, undefined]) {
      const r = await readCoco(join(dir, 'bad.json'), { streamAbove });
      expect(r.dataset.images).toEqual([]);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ file: join(dir, 'bad.json'), where: 'line 2:14' });
      expect(r.errors[0]!.reason).toMatch(/^not valid JSON/);
    }
  });

  it('a document that is not a COCO object, or whose lists are not lists', async () => {
    for (const [text, where, reason] of [
      ['[1, 2]', '', 'a COCO file is a JSON object with images, categories and annotations'],
      ['{"images": {}, "categories": []}', 'images', 'there is no "images" list'],
      ['{"images": [], "categories": 3}', 'categories', 'there is no "categories" list'],
      ['{"images": [], "categories": [], "annotations": "x"}', 'annotations', '"annotations" is not a list'],
      ['{"categories": []}', 'images', 'there is no "images" list'],
    ] as const) {
      const { whole, streamed } = await both('odd.json', text);
      expect(whole.errors, text).toEqual([{ file: join(tmp, 'odd.json'), where, reason }]);
      expect(streamed, text).toEqual(whole);
    }
  });
});
