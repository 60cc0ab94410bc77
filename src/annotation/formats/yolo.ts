/**
 * YOLO labels (Ultralytics, https://docs.ultralytics.com/datasets/detect/ and /segment/; Darknet):
 * one object a line, "class cx cy w h" (a box, normalized to [0, 1], an optional 6th value is a
 * score) or "class x1 y1 x2 y2 ... xn yn" (a segment polygon, n >= 3, normalized); a label file
 * may mix both and is read as it is. The class id is the position in the class list of the
 * config (yolo-config.ts), which is kept whole, so an id read is the id written back.
 * Writing: 'yolo' (detect) writes boxes, and polygons and masks as their bounding box (listed
 * in `converted`); 'yolo-seg' (segment) writes polygons only. A label file never mixes box and
 * polygon rows (Ultralytics reads such a file as boxes). images/<split>/ and labels/<split>/
 * (images/ and labels/ when no image has a split), one .txt per image (empty for an image
 * without objects), data.yaml with `names` as the full id-ordered list and `nc`.
 * The folder layer (finding images, labels, configs and splits) is yolo-files.ts.
 */
import type { Dataset, DatasetAnnotation, DatasetImage, DatasetSplit, RleMask } from './dataset';
import type { FormatProblem, ParseResult, WrittenDataset } from './reports';
import { lookupSize, type SizeLookup } from './sizes';
import { formatNumber, parseNumber } from './numbers';
import { checkNormBox, checkPolygon } from './geometry-checks';
import { className } from './classes';
import { ExportNames, stemOf } from './unique-names';
import { parseYoloConfig, yoloClassNames } from './yolo-config';

export { parseYoloConfig, yoloClassNames, type YoloConfig } from './yolo-config';

/** One image of a YOLO dataset as the file layer found it. */
export interface YoloImageInput {
  /** Image path relative to the dataset root. */
  file: string;
  split?: DatasetSplit;
  /** Its label file, when there is one. */
  label?: { file: string; text: string };
}

export interface YoloInput {
  /** data.yaml (names, nc). */
  config?: { file: string; text: string };
  /** classes.txt / obj.names (one name a line), used when there is no data.yaml names. */
  classNames?: { file: string; text: string };
  images: YoloImageInput[];
  /** Label files with no image (each is reported). */
  orphanLabels?: string[];
}

/** The lines of classes.txt / obj.names; a line is an id, so only trailing blank lines are dropped. */
export function parseNamesFile(text: string, file: string, errors: FormatProblem[]): string[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return yoloClassNames(lines, (reason, id) => errors.push({ file, where: id === undefined ? '' : `line ${id + 1}`, reason }));
}

/** Parse a YOLO dataset already gathered by the file layer (or a test). Never throws. */
export function parseYolo(input: YoloInput, sizes?: SizeLookup): ParseResult {
  const errors: FormatProblem[] = [];
  let names: string[] | undefined;
  if (input.config) {
    const c = parseYoloConfig(input.config.text, input.config.file);
    errors.push(...c.errors);
    names = c.config.names;
  }
  if (!names && input.classNames) names = parseNamesFile(input.classNames.text, input.classNames.file, errors);
  const synthesized = !names;
  if (!names) {
    errors.push({
      file: input.config?.file ?? '(dataset)',
      where: '',
      reason: 'no class names (data.yaml names, classes.txt or obj.names); classes are called class_0, class_1, ...',
    });
    names = [];
  }
  const classes = [...names];
  // Without a list, ids name themselves: class_0 .. class_<largest id used>.
  const classOf = (i: number): number => {
    if (synthesized) while (classes.length <= i) classes.push(`class_${classes.length}`);
    return i;
  };

  const images: DatasetImage[] = [];
  for (const im of input.images) {
    // YOLO geometry is normalized: the size only fills the model (0 = not measured).
    const raw = sizes?.(im.file);
    const size = raw ? lookupSize(() => raw, im.file) : { width: 0, height: 0 };
    if (typeof size === 'string') {
      errors.push({ file: im.file, where: '', reason: size });
      continue;
    }
    const img: DatasetImage = { file: im.file, width: size.width, height: size.height, annotations: [] };
    if (im.split) img.split = im.split;
    if (im.label) img.annotations = parseYoloLabels(im.label.text, im.label.file, names.length, classOf, errors, synthesized);
    images.push(img);
  }
  for (const o of input.orphanLabels ?? []) errors.push({ file: o, where: '', reason: 'label file without an image' });
  return { dataset: { classes, images }, errors };
}

function parseYoloLabels(
  text: string,
  file: string,
  nNames: number,
  classOf: (i: number) => number,
  errors: FormatProblem[],
  synthesized: boolean,
): DatasetAnnotation[] {
  const out: DatasetAnnotation[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${idx + 1}`;
    const problem = (reason: string): void => {
      errors.push({ file, where, reason });
    };
    const tokens = line.split(/\s+/);
    const values = tokens.map(parseNumber);
    const bad = values.findIndex((v) => Number.isNaN(v));
    if (bad >= 0) return problem(`bad number "${tokens[bad]}" (value ${bad + 1})`);
    const cls = values[0]!;
    if (!Number.isInteger(cls) || cls < 0) return problem(`the class index "${tokens[0]}" is not a whole number >= 0`);
    if (!synthesized && cls >= nNames) {
      return problem(`unknown class index ${cls}: names lists ${nNames} class${nNames === 1 ? '' : 'es'} (0..${nNames - 1})`);
    }
    if (cls > 100_000) return problem(`class index ${cls} is implausibly large`);
    const classIndex = classOf(cls);
    const nums = values.slice(1);
    if (nums.length === 4 || nums.length === 5) {
      const [cx, cy, w, h] = nums as [number, number, number, number];
      if (w < 0 || h < 0) return problem(`negative box size ${tokens[3]} x ${tokens[4]}`);
      const b = checkNormBox(cx - w / 2, cy - h / 2, w, h);
      if (!b.ok) return problem(b.reason);
      const a: DatasetAnnotation = { kind: 'box', classIndex, x: b.x, y: b.y, w: b.w, h: b.h };
      if (nums.length === 5) a.score = nums[4]!;
      out.push(a);
      return;
    }
    if (nums.length < 6) {
      return problem(
        nums.length % 2 === 0
          ? `a polygon needs at least 3 points, this one has ${nums.length / 2} (a box is "class cx cy w h")`
          : `expected "class cx cy w h" or "class x1 y1 x2 y2 x3 y3 ...", got ${tokens.length} values`,
      );
    }
    const p = checkPolygon(nums);
    if (!p.ok) return problem(p.reason);
    out.push({ kind: 'polygon', classIndex, points: p.points });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writers

export type YoloTask = 'detect' | 'segment';

/** The normalized bounding box of a polygon's points, or of a mask's foreground pixels. */
function boundsOf(a: DatasetAnnotation): { x: number; y: number; w: number; h: number } | undefined {
  if (a.kind === 'polygon') {
    const xs = a.points.map((p) => p[0]);
    const ys = a.points.map((p) => p[1]);
    const [x0, y0] = [Math.min(...xs), Math.min(...ys)];
    const [w, h] = [Math.max(...xs) - x0, Math.max(...ys) - y0];
    return w > 0 && h > 0 ? { x: x0, y: y0, w, h } : undefined;
  }
  if (a.kind === 'mask') return maskBounds(a.mask);
  return undefined;
}

/** COCO RLE counts run down each column (column-major), starting with background. */
function maskBounds(m: RleMask): { x: number; y: number; w: number; h: number } | undefined {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -1, -1];
  let pos = 0;
  m.counts.forEach((run, k) => {
    if (k % 2 === 1 && run > 0) {
      const first = pos;
      const last = pos + run - 1;
      const [c0, c1] = [Math.floor(first / m.height), Math.floor(last / m.height)];
      minX = Math.min(minX, c0);
      maxX = Math.max(maxX, c1);
      // A run spanning columns covers whole columns in between: rows 0..height-1.
      minY = Math.min(minY, c1 > c0 ? 0 : first % m.height);
      maxY = Math.max(maxY, c1 > c0 ? m.height - 1 : last % m.height);
    }
    pos += run;
  });
  if (maxX < 0 || !(m.width > 0 && m.height > 0)) return undefined;
  return { x: minX / m.width, y: minY / m.height, w: (maxX + 1 - minX) / m.width, h: (maxY + 1 - minY) / m.height };
}

const CONVERTED: Partial<Record<DatasetAnnotation['kind'], string>> = {
  polygon: 'YOLO (detect) holds boxes: a polygon is written as its bounding box (export YOLO segment for polygons)',
  mask: 'YOLO (detect) holds boxes: a mask is written as the bounding box of its pixels',
};

/**
 * A YOLO dataset: 'detect' writes box rows (polygons and masks as their bounding box, listed in
 * `converted`), 'segment' writes polygon rows only. Class id = the class's index in
 * `dataset.classes`, which data.yaml lists whole, so ids survive a round trip used or not.
 */
export function writeYolo(dataset: Dataset, task: YoloTask = 'detect'): WrittenDataset {
  const files: WrittenDataset['files'] = [];
  const placements: WrittenDataset['images'] = [];
  const skipped: FormatProblem[] = [];
  const converted: FormatProblem[] = [];
  const names = new ExportNames();
  const anySplit = dataset.images.some((i) => i.split);
  const splitsUsed = new Set<DatasetSplit>();
  const f = formatNumber;
  const skip = (file: string, reason: string): void => {
    skipped.push({ file, where: '', reason });
  };
  for (const img of dataset.images) {
    const sub = img.split ? `/${img.split}` : '';
    if (img.split) splitsUsed.add(img.split);
    const name = names.claim(`images${sub}`, img.file);
    placements.push({ file: img.file, to: `images${sub}/${name}` });
    const lines: string[] = [];
    const convertedHere = new Set<string>();
    for (const a of img.annotations) {
      className(dataset, a, img.file);
      if (a.kind === 'tag') {
        skip(img.file, 'YOLO has no image-level tags; the tag is not written');
      } else if (a.kind === 'polyline' || a.kind === 'points') {
        skip(img.file, `YOLO holds boxes and polygons; a ${a.kind === 'points' ? 'set of key points' : 'polyline'} is not written`);
      } else if (task === 'segment') {
        if (a.kind === 'polygon') lines.push([String(a.classIndex), ...a.points.flatMap(([x, y]) => [f(x), f(y)])].join(' '));
        else if (a.kind === 'box') skip(img.file, 'a box is not a segment: export YOLO (detect) for boxes');
        else skip(img.file, 'a mask is not a segment polygon: export YOLO (detect) for its bounding box, or COCO for the mask');
      } else {
        const b = a.kind === 'box' ? a : boundsOf(a);
        if (!b) {
          skip(img.file, `the ${a.kind} has no area; no bounding box is written`);
          continue;
        }
        lines.push([a.classIndex, f(b.x + b.w / 2), f(b.y + b.h / 2), f(b.w), f(b.h)].join(' '));
        const rule = CONVERTED[a.kind];
        if (rule && !convertedHere.has(rule)) {
          convertedHere.add(rule);
          converted.push({ file: img.file, where: '', reason: rule });
        }
      }
    }
    files.push({ path: `labels${sub}/${stemOf(name)}.txt`, content: lines.length ? lines.join('\n') + '\n' : '' });
  }
  const yaml = [`# YOLO ${task} dataset written by Apprentice (Ultralytics layout); a class id is its position in names`, 'path: .'];
  if (!anySplit) yaml.push('train: images', 'val: images');
  else for (const s of ['train', 'val', 'test'] as const) if (splitsUsed.has(s)) yaml.push(`${s}: images/${s}`);
  yaml.push(`nc: ${dataset.classes.length}`);
  // JSON strings are YAML double-quoted scalars: any name (colons, quotes, "no", "1") stays a string.
  if (dataset.classes.length === 0) yaml.push('names: []');
  else yaml.push('names:', ...dataset.classes.map((n) => `  - ${JSON.stringify(n)}`));
  files.push({ path: 'data.yaml', content: yaml.join('\n') + '\n' });
  return converted.length ? { files, images: placements, skipped, converted } : { files, images: placements, skipped };
}
