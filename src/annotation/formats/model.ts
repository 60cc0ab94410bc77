/**
 * The neutral dataset model every format reads into and writes from, plus the small helpers
 * the formats share (strict numbers, geometry checks, unique export names).
 *
 * Geometry is NORMALIZED to [0, 1] of the image size a person sees, i.e. after EXIF
 * orientation: `width`/`height` of a `DatasetImage` are the rotated size, and every
 * coordinate is relative to them. Writers convert to pixels with exactly these
 * `width`/`height`, so an exported box lands where it was drawn on the upright image.
 * A size of 0 means "unknown" (a format that does not carry it and no `sizeOf` was given);
 * geometry on such an image cannot be imported, and pixel writers skip it with a reason.
 */

export type DatasetSplit = 'train' | 'val' | 'test';
export type Point = [number, number];

/** Optional extras kept when a format carries them. */
export interface AnnotationExtras {
  iscrowd?: boolean;
  score?: number;
  /** Pascal VOC flags, kept when present. */
  difficult?: boolean;
  truncated?: boolean;
}

export type DatasetAnnotation =
  | ({ kind: 'tag'; classIndex: number } & AnnotationExtras)
  | ({ kind: 'box'; classIndex: number; x: number; y: number; w: number; h: number } & AnnotationExtras)
  | ({ kind: 'polygon'; classIndex: number; points: Point[] } & AnnotationExtras);

export interface DatasetImage {
  /** Path relative to the dataset root (or as written in the file when it cannot be resolved). */
  file: string;
  /** Size after EXIF orientation (what a person sees); 0 = unknown. */
  width: number;
  height: number;
  split?: DatasetSplit;
  annotations: DatasetAnnotation[];
}

export interface Dataset {
  /** Class names in a stable order; `classIndex` points into it. */
  classes: string[];
  images: DatasetImage[];
}

/** One problem found in an input file. `where`: "line 12", "line 3:7", "annotations[3].bbox[2]". */
export interface FormatProblem {
  file: string;
  where: string;
  reason: string;
}

/** What every parser returns: the valid part of the dataset and each problem found. */
export interface ParseResult {
  dataset: Dataset;
  errors: FormatProblem[];
}

/**
 * The only error the format code throws: a writer given a dataset it cannot represent
 * (class index out of range...). Parsers never throw on bad input; they report problems.
 */
export class DatasetFormatError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}${where ? ` (${where})` : ''}: ${reason}`);
    this.name = 'DatasetFormatError';
  }
}

export interface Size {
  width: number;
  height: number;
}

/**
 * How a pure parser learns an image's size (YOLO, CSV and friends do not store it). The file
 * is as the parser names it (relative to the dataset root). `{ error }` explains a failure.
 */
export type SizeLookup = (file: string) => Size | { error: string } | undefined;

/** The caller's size callback (sharp in the app): takes an absolute path, may be async. */
export type SizeOf = (absolutePath: string) => Size | Promise<Size>;

export function emptyResult(file: string, reason: string, where = ''): ParseResult {
  return { dataset: { classes: [], images: [] }, errors: [{ file, where, reason }] };
}

export function lookupSize(sizes: SizeLookup | undefined, file: string): Size | string {
  const s = sizes?.(file);
  if (!s) return 'the image size is unknown (the format does not store it and no size callback was given)';
  if ('error' in s) return `cannot read the image size: ${s.error}`;
  if (!(s.width > 0) || !(s.height > 0)) return `the image size ${s.width}x${s.height} is not positive`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Numbers

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number written in a file ("12", "-0.5", "1e-3"); NaN for anything else. */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

/** A number for a file: 10 significant digits, no exponent, no trailing zeros. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new DatasetFormatError('', '', `cannot write the number ${v}`);
  if (Math.abs(v) < 1e-9) return '0';
  const s = String(Number(v.toPrecision(10)));
  if (!/e/i.test(s)) return s;
  return Number(v.toPrecision(10)).toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

// ---------------------------------------------------------------------------------------------
// Geometry checks. Values a hair outside the image (float noise of a pixel conversion) are
// snapped to the border; anything further out is rejected with a reason, never clamped.

/** Slack in pixels: rounding in files that write 2 decimals, or x + w computed in floats. */
export const PIXEL_SLACK = 0.01;
/** Slack for normalized formats that do not know the pixel size (6-decimal YOLO files). */
export const NORM_SLACK = 1e-5;

export type BoxCheck = { ok: true; x: number; y: number; w: number; h: number } | { ok: false; reason: string };

/** A box in pixels -> normalized, or the reason it is invalid. */
export function checkPixelBox(x: number, y: number, w: number, h: number, size: Size): BoxCheck {
  const r = checkBoxGeneric(x, y, w, h, size.width, size.height, PIXEL_SLACK, 'px');
  if (!r.ok) return r;
  return { ok: true, x: r.x / size.width, y: r.y / size.height, w: r.w / size.width, h: r.h / size.height };
}

/** A normalized box checked against [0,1]. */
export function checkNormBox(x: number, y: number, w: number, h: number): BoxCheck {
  return checkBoxGeneric(x, y, w, h, 1, 1, NORM_SLACK, '');
}

function checkBoxGeneric(
  x: number, y: number, w: number, h: number, W: number, H: number, slack: number, unit: string,
): BoxCheck {
  for (const [name, v] of [['x', x], ['y', y], ['width', w], ['height', h]] as const) {
    if (!Number.isFinite(v)) return { ok: false, reason: `the box ${name} is not a number` };
  }
  if (w < 0 || h < 0) return { ok: false, reason: `the box has a negative size (${fmt(w)}x${fmt(h)}${unit})` };
  if (w === 0 || h === 0) return { ok: false, reason: `the box is empty (${fmt(w)}x${fmt(h)}${unit})` };
  if (x < -slack || y < -slack || x + w > W + slack || y + h > H + slack) {
    const where = unit ? `the ${fmt(W)}x${fmt(H)} image` : 'the image (0..1)';
    return {
      ok: false,
      reason: `the box [x ${fmt(x)}, y ${fmt(y)}, w ${fmt(w)}, h ${fmt(h)}]${unit ? ' px' : ''} lies outside ${where}`,
    };
  }
  // Snap float noise to the border, leaving values that are inside untouched (exact round trips).
  let [x0, y0, w0, h0] = [x, y, w, h];
  if (x0 < 0) [x0, w0] = [0, w0 + x0];
  if (y0 < 0) [y0, h0] = [0, h0 + y0];
  if (x0 + w0 > W) w0 = W - x0;
  if (y0 + h0 > H) h0 = H - y0;
  if (!(w0 > 0) || !(h0 > 0)) return { ok: false, reason: 'the box is empty' };
  return { ok: true, x: x0, y: y0, w: w0, h: h0 };
}

export type PolygonCheck = { ok: true; points: Point[] } | { ok: false; reason: string };

/** Flat [x1, y1, x2, y2, ...] in pixels (size given) or normalized (size undefined). */
export function checkPolygon(flat: readonly number[], size?: Size): PolygonCheck {
  if (flat.length % 2 !== 0) return { ok: false, reason: `the polygon has an odd number of coordinates (${flat.length})` };
  if (flat.length < 6) return { ok: false, reason: `a polygon needs at least 3 points, this one has ${flat.length / 2}` };
  const W = size?.width ?? 1;
  const H = size?.height ?? 1;
  const slack = size ? PIXEL_SLACK : NORM_SLACK;
  const points: Point[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const x = flat[i]!;
    const y = flat[i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return { ok: false, reason: `point ${i / 2 + 1} is not a number` };
    if (x < -slack || y < -slack || x > W + slack || y > H + slack) {
      return {
        ok: false,
        reason: `point ${i / 2 + 1} (${fmt(x)}, ${fmt(y)}) lies outside the ${size ? `${fmt(W)}x${fmt(H)} image` : 'image (0..1)'}`,
      };
    }
    points.push([Math.min(W, Math.max(0, x)) / W, Math.min(H, Math.max(0, y)) / H]);
  }
  return { ok: true, points };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : String(v);
}

/** Shoelace area of a polygon in whatever units its points are in. */
export function polygonArea(points: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    const [x2, y2] = points[(i + 1) % points.length]!;
    a += x1 * y2 - x2 * y1;
  }
  return Math.abs(a) / 2;
}

// ---------------------------------------------------------------------------------------------
// Classes and splits

/** Class names -> indices, keeping the first-seen order (a known list may seed it). */
export class ClassTable {
  readonly names: string[] = [];
  private index = new Map<string, number>();

  constructor(seed: readonly string[] = []) {
    for (const n of seed) this.indexOf(n);
  }

  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  has(name: string): boolean {
    return this.index.has(name);
  }
}

const SPLIT_NAMES: Record<string, DatasetSplit> = {
  train: 'train', training: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test', testing: 'test',
};

/** "Train", "validation", "valid" ... -> a split; undefined for anything else. */
export function splitFromName(name: string | undefined): DatasetSplit | undefined {
  return name === undefined ? undefined : SPLIT_NAMES[name.trim().toLowerCase()];
}

/** The annotation's class must exist; writers call this and throw on a broken model. */
export function className(dataset: Dataset, a: DatasetAnnotation, file: string): string {
  const name = Number.isInteger(a.classIndex) ? dataset.classes[a.classIndex] : undefined;
  if (name === undefined) {
    throw new DatasetFormatError(file, '', `class index ${a.classIndex} is outside the ${dataset.classes.length} classes`);
  }
  return name;
}

/** Export names: the base name where free, else "name-2.ext", unique by stem per folder. */
export class ExportNames {
  private taken = new Set<string>();

  claim(folder: string, file: string): string {
    const base = file.split(/[\\/]/).pop() || 'image';
    const dot = base.lastIndexOf('.');
    const stem = dot > 0 ? base.slice(0, dot) : base;
    const ext = dot > 0 ? base.slice(dot) : '';
    let name = base;
    let n = 1;
    while (this.taken.has(`${folder}/${stemOf(name)}`.toLowerCase())) name = `${stem}-${++n}${ext}`;
    this.taken.add(`${folder}/${stemOf(name)}`.toLowerCase());
    return name;
  }
}

export function stemOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** What a writer produces: text files to write and where each image should be copied. */
export interface WrittenDataset {
  /** Text files, paths relative to the output root (POSIX separators). */
  files: { path: string; content: string }[];
  /** Where each image goes, relative to the output root (the caller copies the pixels). */
  images: { file: string; to: string }[];
  /** Annotations the format cannot hold (a tag in COCO...), one entry per image and reason. */
  skipped: FormatProblem[];
}

/**
 * Several parse results as one dataset: classes are matched by name (first-seen order),
 * `rebase` turns each part's file paths into paths relative to the common root.
 */
export function mergeResults(parts: { result: ParseResult; rebase?: (file: string) => string }[]): ParseResult {
  const table = new ClassTable();
  const images: DatasetImage[] = [];
  const errors: FormatProblem[] = [];
  for (const { result, rebase } of parts) {
    const map = result.dataset.classes.map((n) => table.indexOf(n));
    for (const img of result.dataset.images) {
      images.push({
        ...img,
        file: rebase ? rebase(img.file) : img.file,
        annotations: img.annotations.map((a) => ({ ...a, classIndex: map[a.classIndex] ?? a.classIndex })),
      });
    }
    errors.push(...result.errors);
  }
  return { dataset: { classes: table.names, images }, errors };
}
