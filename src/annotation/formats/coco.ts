/**
 * COCO "instances" JSON (https://cocodataset.org/#format-data, "Object Detection"):
 *   { images: [{ id, file_name, width, height }],
 *     categories: [{ id, name, supercategory? }],           ids need not be contiguous
 *     annotations: [{ id, image_id, category_id, bbox: [x, y, w, h] (pixels, top-left),
 *                     segmentation: [[x1, y1, x2, y2, ...], ...] (pixels) | RLE, area, iscrowd, score? }] }
 * Reading: classes follow ascending category id; an annotation with polygon segmentation
 * becomes one polygon per ring (its bbox is derived data), otherwise its bbox is a box.
 * RLE masks are not supported (the bbox is imported and the mask reported).
 * Writing: category ids are index + 1 in class order (stable across exports); images get ids
 * 1..n and `file_name` is the image's export name, the image itself going to `images/<name>`
 * beside the JSON. Pixels come from the model's width/height (the EXIF-upright size).
 * COCO has no per-image split and no image-level tags: splits are not written (read them
 * back with `split`), tags are skipped and listed in `skipped`.
 */
import { basename, dirname, join, relative, resolve } from 'node:path';
import { jsonErrorOffset } from './json-where';
import { isDirectory, isFile, readText, toPosix, walkFiles, writeOutput } from './io';
import type { Dataset, DatasetAnnotation, DatasetImage, DatasetSplit } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult, type WrittenDataset } from './reports';
import { formatNumber } from './numbers';
import { checkPixelBox, checkPolygon, polygonArea } from './geometry-checks';
import { className, ClassTable, mergeResults, splitFromName } from './classes';
import { ExportNames } from './unique-names';

export interface CocoParseOptions {
  /** Split given to every image (COCO keeps splits in separate files). */
  split?: DatasetSplit;
  /** Known class order to keep (e.g. the project's classes); new names are appended. */
  classes?: readonly string[];
}

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idKey(v: Json): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return `n${v}`;
  if (typeof v === 'string' && v !== '') return `s${v}`;
  return undefined;
}

function show(v: Json): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/** Where a JSON.parse failure happened, as "line L:C" when the engine gives a position. */
export function jsonErrorWhere(text: string, err: Error): { where: string; reason: string } {
  const pos = jsonErrorOffset(text);
  let where = '';
  if (pos >= 0) {
    const before = text.slice(0, pos);
    const line = before.split('\n').length;
    const col = pos - before.lastIndexOf('\n');
    where = `line ${line}:${col}`;
  }
  const what = pos < 0 ? err.message : pos >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text.slice(pos, pos + 12))}`;
  return { where, reason: `not valid JSON: ${what}` };
}

export function parseCoco(text: string, file: string, opts: CocoParseOptions = {}): ParseResult {
  let doc: Json;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const { where, reason } = jsonErrorWhere(text, err as Error);
    return emptyResult(file, reason, where);
  }
  if (!isObject(doc)) return emptyResult(file, 'a COCO file is a JSON object with images, categories and annotations');
  if (!Array.isArray(doc.images)) return emptyResult(file, 'there is no "images" list', 'images');
  if (!Array.isArray(doc.categories)) return emptyResult(file, 'there is no "categories" list', 'categories');
  if (doc.annotations !== undefined && !Array.isArray(doc.annotations)) {
    return emptyResult(file, '"annotations" is not a list', 'annotations');
  }
  const errors: FormatProblem[] = [];
  const problem = (where: string, reason: string): void => {
    errors.push({ file, where, reason });
  };

  // Categories, in ascending id order.
  const cats: { id: number | string; name: string; at: string }[] = [];
  const catIds = new Set<string>();
  doc.categories.forEach((c: Json, i: number) => {
    const at = `categories[${i}]`;
    if (!isObject(c)) return problem(at, 'a category must be an object with id and name');
    const key = idKey(c.id);
    if (key === undefined || (typeof c.id === 'number' && !Number.isInteger(c.id))) {
      return problem(`${at}.id`, `bad category id ${show(c.id)}`);
    }
    if (typeof c.name !== 'string' || c.name.trim() === '') return problem(`${at}.name`, 'the category has no name');
    if (catIds.has(key)) return problem(`${at}.id`, `duplicate category id ${show(c.id)}`);
    catIds.add(key);
    cats.push({ id: c.id as number | string, name: c.name, at });
  });
  cats.sort((a, b) =>
    typeof a.id === 'number' && typeof b.id === 'number' ? a.id - b.id : String(a.id).localeCompare(String(b.id)),
  );
  const table = new ClassTable(opts.classes);
  const catIndex = new Map<string, number>();
  const seenNames = new Map<string, number | string>();
  for (const c of cats) {
    const prev = seenNames.get(c.name);
    if (prev !== undefined) problem(`${c.at}.name`, `category name "${c.name}" is also used by id ${prev}; both are read as one class`);
    else seenNames.set(c.name, c.id);
    catIndex.set(idKey(c.id)!, table.indexOf(c.name));
  }

  // Images.
  const images: DatasetImage[] = [];
  const byId = new Map<string, DatasetImage>();
  const rejected = new Map<string, string>();
  const files = new Set<string>();
  doc.images.forEach((im: Json, i: number) => {
    const at = `images[${i}]`;
    if (!isObject(im)) return problem(at, 'an image must be an object with id, file_name, width and height');
    const key = idKey(im.id);
    if (key === undefined) return problem(`${at}.id`, `bad image id ${show(im.id)}`);
    const reject = (where: string, reason: string): void => {
      rejected.set(key, at);
      problem(where, reason);
    };
    if (byId.has(key) || rejected.has(key)) return problem(`${at}.id`, `duplicate image id ${show(im.id)}`);
    if (typeof im.file_name !== 'string' || im.file_name.trim() === '') return reject(`${at}.file_name`, 'the image has no file_name');
    for (const dim of ['width', 'height'] as const) {
      const v = im[dim];
      if (typeof v !== 'number' || !Number.isFinite(v)) return reject(`${at}.${dim}`, `bad number ${show(v)} for the image ${dim}`);
      if (v <= 0) return reject(`${at}.${dim}`, `the image ${dim} must be positive, got ${v}`);
    }
    if (files.has(im.file_name)) return reject(`${at}.file_name`, `duplicate file_name "${im.file_name}"`);
    files.add(im.file_name);
    const img: DatasetImage = { file: im.file_name, width: im.width as number, height: im.height as number, annotations: [] };
    if (opts.split) img.split = opts.split;
    images.push(img);
    byId.set(key, img);
  });

  // Annotations.
  const anns: Json[] = Array.isArray(doc.annotations) ? doc.annotations : [];
  anns.forEach((a: Json, i: number) => {
    const at = `annotations[${i}]`;
    if (!isObject(a)) return problem(at, 'an annotation must be an object');
    if (a.image_id === undefined) return problem(at, 'the annotation has no image_id');
    if (a.category_id === undefined) return problem(at, 'the annotation has no category_id');
    const imgKey = idKey(a.image_id);
    const img = imgKey === undefined ? undefined : byId.get(imgKey);
    if (!img) {
      const rej = imgKey === undefined ? undefined : rejected.get(imgKey);
      return problem(
        `${at}.image_id`,
        rej ? `image id ${show(a.image_id)} was rejected (see ${rej})` : `missing image entry: no image has id ${show(a.image_id)}`,
      );
    }
    const catKey = idKey(a.category_id);
    const classIndex = catKey === undefined ? undefined : catIndex.get(catKey);
    if (classIndex === undefined) return problem(`${at}.category_id`, `unknown category id ${show(a.category_id)}`);
    const extras: { iscrowd?: boolean; score?: number } = {};
    if (a.iscrowd !== undefined) {
      if (a.iscrowd === 1 || a.iscrowd === true) extras.iscrowd = true; // 0 is the default: not stored
      else if (a.iscrowd !== 0 && a.iscrowd !== false) return problem(`${at}.iscrowd`, `iscrowd must be 0 or 1, got ${show(a.iscrowd)}`);
    }
    if (a.score !== undefined) {
      if (typeof a.score !== 'number' || !Number.isFinite(a.score)) return problem(`${at}.score`, `bad number ${show(a.score)}`);
      extras.score = a.score;
    }
    const size = { width: img.width, height: img.height };
    const seg = a.segmentation;
    let rings: Json[] | undefined;
    if (Array.isArray(seg) && seg.length > 0) {
      rings = seg.every((s) => typeof s === 'number') ? [seg] : seg;
    } else if (isObject(seg)) {
      problem(`${at}.segmentation`, 'RLE mask segmentation is not supported; the bbox is imported instead');
    } else if (seg !== undefined && seg !== null && !Array.isArray(seg)) {
      return problem(`${at}.segmentation`, `segmentation must be a list of polygons, got ${show(seg)}`);
    }
    if (rings) {
      rings.forEach((ring, k) => {
        const rat = `${at}.segmentation${rings === seg ? `[${k}]` : ''}`;
        if (!Array.isArray(ring)) return problem(rat, 'a polygon must be a list of numbers [x1, y1, x2, y2, ...]');
        const bad = ring.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
        if (bad >= 0) return problem(`${rat}[${bad}]`, `bad number ${show(ring[bad])}`);
        const p = checkPolygon(ring as number[], size);
        if (!p.ok) return problem(rat, p.reason);
        img.annotations.push({ kind: 'polygon', classIndex, points: p.points, ...extras });
      });
      return;
    }
    if (!Array.isArray(a.bbox)) return problem(`${at}.bbox`, a.bbox === undefined ? 'the annotation has neither bbox nor segmentation' : `bbox must be [x, y, width, height], got ${show(a.bbox)}`);
    if (a.bbox.length !== 4) return problem(`${at}.bbox`, `bbox must have 4 numbers [x, y, width, height], it has ${a.bbox.length}`);
    const bad = a.bbox.findIndex((v: Json) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) return problem(`${at}.bbox[${bad}]`, `bad number ${show(a.bbox[bad])}`);
    const [x, y, w, h] = a.bbox as [number, number, number, number];
    if (w < 0) return problem(`${at}.bbox[2]`, `negative width ${w}`);
    if (h < 0) return problem(`${at}.bbox[3]`, `negative height ${h}`);
    const b = checkPixelBox(x, y, w, h, size);
    if (!b.ok) return problem(`${at}.bbox`, b.reason);
    img.annotations.push({ kind: 'box', classIndex, x: b.x, y: b.y, w: b.w, h: b.h, ...extras });
  });

  return { dataset: { classes: table.names, images }, errors };
}

export interface CocoWriteOptions {
  /** Name of the JSON file relative to the output root (default "annotations.json"). */
  fileName?: string;
  /** Folder (relative to the JSON's folder) the images are placed in; default "images". */
  imagesFolder?: string;
}

export function writeCoco(dataset: Dataset, opts: CocoWriteOptions = {}): WrittenDataset {
  const fileName = opts.fileName ?? 'annotations.json';
  const imagesFolder = opts.imagesFolder ?? 'images';
  const names = new ExportNames();
  const skipped: FormatProblem[] = [];
  const images: string[] = [];
  const annotations: string[] = [];
  const placements: WrittenDataset['images'] = [];
  let annId = 0;
  dataset.images.forEach((img) => {
    if (!(img.width > 0) || !(img.height > 0)) {
      skipped.push({ file: img.file, where: '', reason: 'the image size is unknown, COCO needs it' });
      return;
    }
    const name = names.claim(imagesFolder, img.file);
    const id = images.length + 1;
    placements.push({ file: img.file, to: join(imagesFolder, name).split('\\').join('/') });
    images.push(JSON.stringify({ id, file_name: name, width: img.width, height: img.height }));
    for (const a of img.annotations) {
      className(dataset, a, img.file);
      const entry = cocoAnnotation(a, img, id, ++annId);
      if (entry === undefined) {
        annId--;
        skipped.push({ file: img.file, where: '', reason: 'COCO has no image-level tags; the tag is not written' });
      } else annotations.push(entry);
    }
  });
  const categories = dataset.classes.map((name, i) => JSON.stringify({ id: i + 1, name, supercategory: '' }));
  const block = (rows: string[]): string => (rows.length ? `[\n    ${rows.join(',\n    ')}\n  ]` : '[]');
  const content =
    '{\n' +
    `  "info": ${JSON.stringify({ description: 'Exported by Apprentice', version: '1.0' })},\n` +
    '  "licenses": [],\n' +
    `  "categories": ${block(categories)},\n` +
    `  "images": ${block(images)},\n` +
    `  "annotations": ${block(annotations)}\n` +
    '}\n';
  return { files: [{ path: fileName, content }], images: placements, skipped };
}

function cocoAnnotation(a: DatasetAnnotation, img: DatasetImage, imageId: number, id: number): string | undefined {
  const W = img.width;
  const H = img.height;
  const num = (v: number): number => Number(formatNumber(v));
  let bbox: number[];
  let segmentation: number[][];
  let area: number;
  if (a.kind !== 'box' && a.kind !== 'polygon') return undefined;
  if (a.kind === 'box') {
    bbox = [num(a.x * W), num(a.y * H), num(a.w * W), num(a.h * H)];
    segmentation = [];
    area = num(a.w * W * a.h * H);
  } else {
    const px = a.points.map(([x, y]) => [x * W, y * H] as [number, number]);
    const xs = px.map((p) => p[0]);
    const ys = px.map((p) => p[1]);
    const x0 = Math.min(...xs);
    const y0 = Math.min(...ys);
    bbox = [num(x0), num(y0), num(Math.max(...xs) - x0), num(Math.max(...ys) - y0)];
    segmentation = [px.flatMap(([x, y]) => [num(x), num(y)])];
    area = num(polygonArea(px));
  }
  const entry: Record<string, unknown> = {
    id,
    image_id: imageId,
    category_id: a.classIndex + 1,
    bbox,
    area,
    segmentation,
    iscrowd: a.iscrowd ? 1 : 0,
  };
  if (a.score !== undefined) entry.score = a.score;
  return JSON.stringify(entry);
}

// ---------------------------------------------------------------------------------------------
// Files

export interface CocoReadOptions extends CocoParseOptions {
  /** Folder the images are in, when it is neither the JSON's folder nor its `images/`. */
  imagesDir?: string;
}

/** Quick look: a JSON object with "images" and "categories" near the top. */
export function looksLikeCoco(text: string): boolean {
  const head = text.slice(0, 1 << 20).trimStart();
  return head.startsWith('{') && /"images"\s*:/.test(head) && /"categories"\s*:/.test(text);
}

/** COCO JSON files of a folder: its own *.json and those in `annotations/`. */
async function cocoFilesIn(dir: string): Promise<string[]> {
  const all = await walkFiles(dir);
  const found: string[] = [];
  for (const rel of all) {
    const depth = rel.split('/').length;
    if (!rel.toLowerCase().endsWith('.json') || depth > 2) continue;
    if (depth === 2 && !rel.startsWith('annotations/')) continue;
    const t = await readText(join(dir, rel));
    if ('text' in t && looksLikeCoco(t.text)) found.push(join(dir, rel));
  }
  return found;
}

export async function detectCoco(path: string): Promise<boolean> {
  if (await isDirectory(path)) return (await cocoFilesIn(path)).length > 0;
  if (!path.toLowerCase().endsWith('.json')) return false;
  const t = await readText(path);
  return 'text' in t && looksLikeCoco(t.text);
}

/**
 * Read a COCO JSON file, or every COCO JSON of a folder (its own and `annotations/*.json`,
 * the split of each guessed from its name: instances_train2017.json -> train). Image files
 * are resolved against the JSON's folder, then its `images/`, then `imagesDir`; `file` in
 * the result is relative to the returned `root`.
 */
export async function readCoco(path: string, opts: CocoReadOptions = {}): Promise<ParseResult & { root: string; imageRoots: string[] }> {
  const dir = await isDirectory(path);
  const root = dir ? resolve(path) : dirname(resolve(path));
  const jsons = dir ? await cocoFilesIn(root) : [resolve(path)];
  if (jsons.length === 0) return { ...emptyResult(path, 'no COCO JSON file found'), root, imageRoots: [root] };
  const parts: { result: ParseResult }[] = [];
  // The folders images may come from: the dataset's own (and the one above annotations/), or the one given.
  const imageRoots = new Set([root, ...(opts.imagesDir ? [resolve(opts.imagesDir)] : [])]);
  for (const json of jsons) {
    const t = await readText(json);
    if ('error' in t) {
      parts.push({ result: emptyResult(json, t.error) });
      continue;
    }
    const guessed = jsons.length > 1 ? splitFromFileName(basename(json)) : undefined;
    const result = parseCoco(t.text, json, { ...opts, split: opts.split ?? guessed });
    const base = dirname(json);
    const candidates = [base, join(base, 'images'), ...(opts.imagesDir ? [resolve(opts.imagesDir)] : [])];
    if (basename(base) === 'annotations') {
      candidates.push(dirname(base), join(dirname(base), 'images'));
      imageRoots.add(dirname(base));
    }
    const rebase = async (f: string): Promise<string> => {
      for (const c of candidates) {
        if (await isFile(join(c, f))) return toPosix(relative(root, join(c, f)));
      }
      return f;
    };
    for (const img of result.dataset.images) img.file = await rebase(img.file);
    parts.push({ result });
  }
  return { ...mergeResults(parts), root, imageRoots: [...imageRoots] };
}

function splitFromFileName(name: string): DatasetSplit | undefined {
  for (const token of name.toLowerCase().split(/[^a-z]+/)) {
    const s = splitFromName(token);
    if (s) return s;
  }
  return undefined;
}

/** Write `<outPath>` (a .json file) or `<outPath>/annotations.json`; images go to `images/`. */
export async function writeCocoFiles(dataset: Dataset, outPath: string): Promise<WrittenDataset & { root: string }> {
  const isJson = outPath.toLowerCase().endsWith('.json');
  const root = isJson ? dirname(resolve(outPath)) : resolve(outPath);
  const out = writeCoco(dataset, { fileName: isJson ? basename(outPath) : 'annotations.json' });
  await writeOutput(root, out);
  return { ...out, root };
}
