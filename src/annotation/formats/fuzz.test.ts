import { describe, expect, it } from 'vitest';
import { parseCoco } from './coco';
import { parseBoxCsv } from './csv-boxes';
import { parseCvat } from './cvat';
import { jsonErrorOffset } from './json-where';
import { parseLabelStudio } from './labelstudio';
import { DatasetFormatError, type ParseResult } from './reports';
import { COCO_SAMPLE, CSV_SAMPLE, CVAT_SAMPLE, LABEL_STUDIO_SAMPLE, VOC_SAMPLE, YOLO_LABELS, YOLO_YAML } from '../../test-support/format-fixtures';
import { parseVoc } from './voc';
import { parseXml, XmlError } from './xml';
import { readYaml } from './yaml-doc';
import { parseYolo, parseYoloConfig } from './yolo';

/** mulberry32: a tiny seeded PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = '<>&;"\'/:,[]{}#-.0123456789eE \n\t\\x!?=-_aZ\u00e9\uFEFF';

function mutate(text: string, r: () => number): string {
  let s = text;
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * (s.length + 1));
    const ch = ALPHABET[Math.floor(r() * ALPHABET.length)]!;
    switch (Math.floor(r() * 5)) {
      case 0: s = s.slice(0, i) + ch + s.slice(i + 1); break; // flip
      case 1: s = s.slice(0, i) + s.slice(i + 1 + Math.floor(r() * 4)); break; // delete
      case 2: s = s.slice(0, i) + ch + s.slice(i); break; // insert
      case 3: { const j = Math.floor(r() * s.length); s = s.slice(0, i) + s.slice(j, j + 20) + s.slice(i); break; } // duplicate a chunk
      default: s = s.slice(0, Math.max(i, s.length - 3)); // truncate
    }
  }
  return s;
}

/** What any parse result must satisfy, however bad the input was. */
function checkResult(r: ParseResult): void {
  const { classes, images } = r.dataset;
  expect(new Set(classes).size).toBe(classes.length);
  for (const img of images) {
    expect(typeof img.file).toBe('string');
    expect(img.width >= 0 && img.height >= 0).toBe(true);
    for (const a of img.annotations) {
      expect(Number.isInteger(a.classIndex) && a.classIndex >= 0 && a.classIndex < classes.length).toBe(true);
      if (a.kind === 'box') {
        for (const v of [a.x, a.y, a.w, a.h]) expect(Number.isFinite(v)).toBe(true);
        expect(a.w > 0 && a.h > 0 && a.x >= 0 && a.y >= 0 && a.x + a.w <= 1 + 1e-12 && a.y + a.h <= 1 + 1e-12).toBe(true);
      }
      if (a.kind === 'polygon') {
        expect(a.points.length).toBeGreaterThanOrEqual(3);
        for (const [x, y] of a.points) expect(x >= 0 && x <= 1 && y >= 0 && y <= 1).toBe(true);
      }
    }
  }
  for (const e of r.errors) expect(typeof e.reason === 'string' && e.reason.length > 0).toBe(true);
}

const sizes = () => ({ width: 640, height: 480 });
const ITERATIONS = 300;

const PARSERS: [string, string, (text: string) => ParseResult][] = [
  ['COCO', COCO_SAMPLE, (t) => parseCoco(t, 'f.json')],
  ['YOLO labels', YOLO_LABELS, (t) => parseYolo({ config: { file: 'data.yaml', text: YOLO_YAML }, images: [{ file: 'a.jpg', label: { file: 'a.txt', text: t } }] }, sizes)],
  ['YOLO data.yaml', YOLO_YAML, (t) => parseYolo({ config: { file: 'data.yaml', text: t }, images: [{ file: 'a.jpg', label: { file: 'a.txt', text: YOLO_LABELS } }] }, sizes)],
  ['VOC', VOC_SAMPLE, (t) => parseVoc({ files: [{ file: 'a.xml', text: t }] }, sizes)],
  ['box CSV', CSV_SAMPLE, (t) => parseBoxCsv(t, 'a.csv', {}, sizes)],
  ['Label Studio', LABEL_STUDIO_SAMPLE, (t) => parseLabelStudio(t, 'ls.json', {}, sizes)],
  ['CVAT', CVAT_SAMPLE, (t) => parseCvat(t, 'annotations.xml')],
];

describe('fuzz: mutated inputs never crash a parser', () => {
  it.each(PARSERS)('%s', (name, sample, parse) => {
    const r = rng(name.length * 7919 + 1);
    // No time limit here beyond the test's own: on a loaded machine a duration says nothing.
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(sample, r);
      let result: ParseResult;
      try {
        result = parse(input);
      } catch (err) {
        // The only thing a parser may throw is its own error type (it should not need to).
        expect(err, `iteration ${i}: ${JSON.stringify(input)}`).toBeInstanceOf(DatasetFormatError);
        continue;
      }
      checkResult(result);
    }
  });

  it('the XML reader throws only its own error, the YAML reader none', () => {
    const r = rng(42);
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(CVAT_SAMPLE, r);
      try {
        parseXml(input);
      } catch (err) {
        expect(err, JSON.stringify(input)).toBeInstanceOf(XmlError);
      }
      // The YAML reader never throws: problems come back with their line.
      const yaml = mutate(YOLO_YAML, r);
      expect(() => readYaml(yaml)).not.toThrow();
      for (const e of readYaml(yaml).errors) expect(e.line).toBeGreaterThanOrEqual(1);
      expect(() => parseYoloConfig(yaml, 'data.yaml')).not.toThrow();
    }
  });

  it('the JSON error locator agrees with JSON.parse on what is valid', () => {
    const r = rng(7);
    for (let i = 0; i < ITERATIONS; i++) {
      const input = mutate(i % 2 ? COCO_SAMPLE : LABEL_STUDIO_SAMPLE, r);
      let valid = true;
      try {
        JSON.parse(input);
      } catch {
        valid = false;
      }
      const at = jsonErrorOffset(input);
      expect(at === -1, JSON.stringify(input)).toBe(valid);
    }
  });
});
