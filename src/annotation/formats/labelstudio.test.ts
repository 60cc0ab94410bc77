// Label Studio JSON exports as Label Studio writes them (handwritten here): several annotators per
// task, predictions, per-region choices, the <Rectangle> + <Labels> split, brush RLE, upload and
// local-storage image URLs resolved to the files beside the JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeImage } from '../../test-support/fixtures';
import { FORMATS, detectFormat } from './index-formats';
import { decodeBrushRle } from './labelstudio-brush';
import { labelStudioCandidates, parseLabelStudio } from './labelstudio';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** thi.ng rle-pack's bit layout, written by hand: header, then (repeat bit, size index, n, words) chunks. */
function rlePack(chunks: { repeat: boolean; words: number[]; count: number }[], num: number): number[] {
  let bits = '';
  const put = (v: number, n: number) => (bits += v.toString(2).padStart(n, '0'));
  put(num, 32);
  put(8 - 1, 5); // 8-bit words
  for (let k = 0; k < 4; k++) put(4 - 1, 4); // every run-length field is 4 bits
  for (const c of chunks) {
    put(c.repeat ? 1 : 0, 1);
    put(0, 2);
    put(c.count - 1, 4);
    for (const w of c.words) put(w, 8);
  }
  bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, '0');
  return Array.from({ length: bits.length / 8 }, (_, i) => parseInt(bits.slice(i * 8, i * 8 + 8), 2));
}

// A 2x2 RGBA brush: the right column painted red (alpha 255), the left one transparent.
const BRUSH_2X2 = rlePack(
  [
    { repeat: true, words: [0], count: 4 },
    { repeat: false, words: [255, 0, 0, 255], count: 4 },
    { repeat: true, words: [0], count: 4 },
    { repeat: false, words: [255, 0, 0, 255], count: 4 },
  ],
  16,
);

const rect = (id: string, x: number, y: number, w: number, h: number, labels: string[], extra: Record<string, unknown> = {}) => ({
  id, type: 'rectanglelabels', from_name: 'label', to_name: 'image', original_width: 40, original_height: 20, image_rotation: 0,
  value: { x, y, width: w, height: h, rotation: 0, rectanglelabels: labels }, ...extra,
});

const EXPORT = [
  {
    id: 12,
    data: { image: '/data/upload/3/3f2a9c1b-street.jpg' },
    annotations: [
      {
        id: 31, completed_by: { id: 1, email: 'ann@example.com', first_name: '', last_name: '' }, was_cancelled: false, ground_truth: false,
        result: [
          rect('r1', 25, 25, 50, 50, ['Car']),
          { id: 'r1', type: 'choices', from_name: 'color', to_name: 'image', value: { choices: ['red'] } },
          { id: 'c1', type: 'choices', from_name: 'scene', to_name: 'image', value: { choices: ['Dog', 'Cat'] } },
        ],
      },
      { id: 32, completed_by: 7, result: [rect('r9', 0, 0, 10, 10, ['car']), { type: 'relation', from_id: 'r9', to_id: 'r1', direction: 'right' }] },
      { id: 33, completed_by: 8, was_cancelled: true, result: [rect('r5', 0, 0, 5, 5, ['Car'])] },
    ],
    predictions: [{ id: 5, model_version: 'yolo-v8', score: 0.8, result: [rect('p1', 50, 50, 25, 25, ['Car'], { score: 0.93 })] }],
  },
  {
    id: 13,
    data: { image: '/data/local-files/?d=shots%2Fb.jpg' },
    annotations: [
      {
        id: 40, completed_by: 1,
        result: [
          { id: 'g1', type: 'polygonlabels', original_width: 2, original_height: 2, value: { points: [[10, 10], [90, 10], [50, 90]], polygonlabels: ['Car'] } },
          { id: 'k1', type: 'keypointlabels', original_width: 2, original_height: 2, value: { x: 50, y: 25, width: 0.5, keypointlabels: ['Nose'] } },
          { id: 'b1', type: 'brushlabels', original_width: 2, original_height: 2, value: { format: 'rle', rle: BRUSH_2X2, brushlabels: ['Road'] } },
          { id: 'e1', type: 'ellipselabels', original_width: 2, original_height: 2, value: { x: 50, y: 50, radiusX: 10, radiusY: 5, ellipselabels: ['Car'] } },
        ],
      },
    ],
  },
  {
    id: 14,
    data: { image: '/image1.jpg' },
    annotations: [
      {
        id: 50,
        result: [
          { id: 'q1', type: 'rectangle', original_width: 40, original_height: 20, value: { x: 50, y: 0, width: 25, height: 50, rotation: 90 } },
          { id: 'q1', type: 'labels', value: { x: 50, y: 0, width: 25, height: 50, rotation: 90, labels: ['Car'] } },
        ],
      },
    ],
  },
  { id: 15, data: { image: '/data/upload/3/deadbeef-missing.jpg' }, annotations: [] },
];

describe('Label Studio export', () => {
  it('keeps every annotator apart, predictions with score, case-distinct classes, and resolves image URLs', async () => {
    const t = tempDir('apprentice-ls-');
    cleanups.push(t.cleanup);
    const json = join(t.dir, 'project-3-at-2024-05-01.json');
    mkdirSync(dirname(json), { recursive: true });
    writeFileSync(json, JSON.stringify(EXPORT, null, 2));
    await writeImage(join(t.dir, 'street.jpg'), 1, { width: 40, height: 20 });
    await writeImage(join(t.dir, 'shots/b.jpg'), 2, { width: 2, height: 2 });
    await writeImage(join(t.dir, 'images/image1.jpg'), 3, { width: 40, height: 20 });
    expect(await detectFormat(json)).toBe('labelstudio');
    const r = await FORMATS.labelstudio.read(json);
    expect(r.dataset.classes).toEqual(['Car', 'Dog', 'Cat', 'car', 'Nose', 'Road']);
    expect(r.dataset.images.map((i) => i.file)).toEqual(['street.jpg', 'shots/b.jpg', 'images/image1.jpg', '/data/upload/3/deadbeef-missing.jpg']);
    expect(r.errors).toEqual([
      { file: json, where: '[0].annotations[2]', reason: 'the annotation was cancelled (skipped) in Label Studio; its 1 results are not read' },
      { file: json, where: '[0].annotations[1].result[1]', reason: 'the relation "r9" -> "r1" between regions is not read (Apprentice has no relations)' },
      { file: json, where: '[1].annotations[0].result[3].type', reason: expect.stringContaining('unsupported result type "ellipselabels"') },
      { file: json, where: '[2].annotations[0].result[0].value.rotation', reason: 'the box is rotated by 90°; it is read as its 4-point polygon (boxes are axis-aligned)' },
      { file: json, where: '', reason: `the image "/data/upload/3/deadbeef-missing.jpg" is not found beside the JSON (nor in images/)` },
    ]);

    const [street, b, image1] = r.dataset.images;
    expect(street).toMatchObject({ width: 40, height: 20 });
    expect(street!.annotations).toEqual([
      { kind: 'box', classIndex: 0, x: 0.25, y: 0.25, w: 0.5, h: 0.5, author: 'ann@example.com', attributes: { color: 'red' } },
      { kind: 'tag', classIndex: 1, author: 'ann@example.com' },
      { kind: 'tag', classIndex: 2, author: 'ann@example.com' },
      { kind: 'box', classIndex: 3, x: 0, y: 0, w: 0.1, h: 0.1, author: 'user:7' },
      { kind: 'box', classIndex: 0, x: 0.5, y: 0.5, w: 0.25, h: 0.25, author: 'prediction:yolo-v8', score: 0.93 },
    ]);
    expect(b!.annotations).toEqual([
      { kind: 'polygon', classIndex: 0, points: [[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]], author: 'user:1' },
      { kind: 'points', classIndex: 4, points: [[0.5, 0.25]], author: 'user:1' },
      // Column-major COCO runs: the left column background (2), the right one foreground (2).
      { kind: 'mask', classIndex: 5, mask: { counts: [2, 2], width: 2, height: 2 }, author: 'user:1' },
    ]);
    // <Rectangle> + <Labels>: the class comes from the labels result of the same id. Rotated 90° about its
    // top-left corner (20, 0) px: its 10 px width now points down, its 10 px height points left.
    expect(image1!.annotations).toHaveLength(1);
    const q = image1!.annotations[0]!;
    expect(q).toMatchObject({ kind: 'polygon', classIndex: 0 });
    const pts = q.kind === 'polygon' ? q.points : [];
    [[0.5, 0], [0.5, 0.5], [0.25, 0.5], [0.25, 0]].forEach(([x, y], i) => {
      expect(pts[i]![0]).toBeCloseTo(x!, 9);
      expect(pts[i]![1]).toBeCloseTo(y!, 9);
    });
  });

  it('candidates for the URL forms Label Studio writes', () => {
    expect(labelStudioCandidates('/data/upload/12/3f2a9c1b-name.jpg')).toEqual(['3f2a9c1b-name.jpg', 'images/3f2a9c1b-name.jpg', 'name.jpg', 'images/name.jpg']);
    expect(labelStudioCandidates('/data/local-files/?d=a/b.jpg')).toEqual(['a/b.jpg', 'images/b.jpg']);
    expect(labelStudioCandidates('/image1.jpg')).toEqual(['image1.jpg', 'images/image1.jpg']);
    expect(labelStudioCandidates('image1.jpg')).toEqual(['image1.jpg', 'images/image1.jpg']);
    expect(labelStudioCandidates('https://bucket.s3.amazonaws.com/set/photo%201.jpg?X-Amz=1')).toEqual(['photo 1.jpg', 'images/photo 1.jpg']);
  });

  it('several annotations without completed_by stay apart by annotation id; one alone has no author', () => {
    const two = [{ data: { image: 'a.jpg' }, annotations: [{ id: 1, result: [{ type: 'choices', value: { choices: ['x'] } }] }, { id: 2, result: [{ type: 'choices', value: { choices: ['x'] } }] }] }];
    expect(parseLabelStudio(JSON.stringify(two), 'ls.json').dataset.images[0]!.annotations).toEqual([
      { kind: 'tag', classIndex: 0, author: 'annotation:1' },
      { kind: 'tag', classIndex: 0, author: 'annotation:2' },
    ]);
    const one = [{ data: { image: 'a.jpg' }, annotations: [two[0]!.annotations[0]] }];
    expect(parseLabelStudio(JSON.stringify(one), 'ls.json').dataset.images[0]!.annotations).toEqual([{ kind: 'tag', classIndex: 0 }]);
  });

  it('a brush RLE that does not fit the image, or is cut short, is reported', () => {
    expect(decodeBrushRle(BRUSH_2X2, 3, 3)).toEqual({ error: 'the brush RLE holds 16 values, but a 3x3 RGBA image has 36' });
    expect(decodeBrushRle(BRUSH_2X2.slice(0, 9), 2, 2)).toMatchObject({ error: expect.stringContaining('ends after') });
    expect(decodeBrushRle([1, 2, 300], 2, 2)).toEqual({ error: 'value.rle must be a list of bytes (0..255)' });
  });
});
