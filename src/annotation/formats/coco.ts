/**
 * COCO "instances" JSON (https://cocodataset.org/#format-data, "Object Detection"):
 *   { images: [{ id, file_name, width, height }],
 *     categories: [{ id, name, supercategory? }],           ids need not be contiguous
 *     annotations: [{ id, image_id, category_id, bbox: [x, y, w, h] (pixels, top-left),
 *                     segmentation: [[x1, y1, x2, y2, ...], ...] | { size: [h, w], counts } (RLE),
 *                     area, iscrowd, score?, attributes? }] }
 * Reading (coco-build.ts): classes are the categories in ascending id order, used or not, their ids
 * in `classIds`; a polygon segmentation becomes one polygon per ring (its bbox is derived data), an
 * RLE one (a counts list or pycocotools' compressed string) a mask, otherwise the bbox is a box.
 * iscrowd, score and scalar attributes are kept. Big files are read as a stream (coco-stream.ts).
 * Finding files (coco-layout.ts): standard COCO, Roboflow and single-file layouts.
 * Writing: coco-write.ts.
 */
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { jsonErrorOffset } from './json-where';
import { isDirectory, readText, toPosix, writeOutput } from './io';
import type { Dataset, DatasetImage } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult, type WrittenDataset } from './reports';
import { ClassTable } from './classes';
import { CocoBuilder, isObject, type CocoParsed, type CocoParseOptions } from './coco-build';
import { streamCocoFile } from './coco-stream';
import { cocoJsonsIn, imageFolders, ImageFinder, rootOfJson, showFolders, sniffCoco, splitOfJson } from './coco-layout';
import { writeCoco } from './coco-write';

export type { CocoParseOptions } from './coco-build';
export { writeCoco, type CocoWriteOptions } from './coco-write';
export { looksLikeCoco } from './coco-layout';

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

function parseDetailed(text: string, file: string, opts: CocoParseOptions): CocoParsed {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const { where, reason } = jsonErrorWhere(text, err as Error);
    return { ...emptyResult(file, reason, where), imageAt: [] };
  }
  const b = new CocoBuilder(file, opts);
  if (!isObject(doc)) {
    b.fail('a COCO file is a JSON object with images, categories and annotations');
    return b.finish();
  }
  // Categories first: every annotation then finds its class at once (file order does not matter).
  for (const list of ['images', 'categories'] as const) if (!Array.isArray(doc[list])) b.notList(list);
  if (doc.annotations !== undefined && !Array.isArray(doc.annotations)) b.notList('annotations');
  for (const list of ['categories', 'images', 'annotations'] as const) {
    const items = doc[list];
    if (!Array.isArray(items)) continue;
    b.startList(list);
    items.forEach((v, i) => b.element(list, v, i));
    b.endList(list);
  }
  return b.finish();
}

/** Parse COCO JSON text (pure: image files are not looked at). */
export function parseCoco(text: string, file: string, opts: CocoParseOptions = {}): ParseResult {
  const { dataset, errors } = parseDetailed(text, file, opts);
  return { dataset, errors };
}

/** Files above this size are streamed; below it JSON.parse is faster and its errors exact. */
export const STREAM_ABOVE = 32 << 20;
/** A bad streamed file up to this size is read whole once more, for the exact line:column. */
const EXACT_ERROR_BELOW = 256 << 20;

async function parseCocoFile(json: string, opts: CocoParseOptions, streamAbove: number): Promise<CocoParsed> {
  const size = (await stat(json).catch(() => undefined))?.size;
  if (size === undefined || size <= streamAbove) {
    const t = await readText(json);
    if ('error' in t) return { ...emptyResult(json, t.error), imageAt: [] };
    return parseDetailed(t.text, json, opts);
  }
  const b = new CocoBuilder(json, opts);
  const outcome = await streamCocoFile(json, b);
  if (outcome.ok) return b.finish();
  let { where, reason } = outcome;
  if (where && size < EXACT_ERROR_BELOW) {
    const t = await readText(json);
    if ('text' in t) ({ where, reason } = jsonErrorWhere(t.text, new Error(reason)));
  }
  return { ...emptyResult(json, reason, where), imageAt: [] };
}

export interface CocoReadOptions extends CocoParseOptions {
  /** The folder the images are in, when guessing fails: file_name is resolved against it, with and without the split folder. */
  imagesRoot?: string;
  /** Stream JSON files bigger than this many bytes (default 32 MB; 0 streams every file). */
  streamAbove?: number;
}

export async function detectCoco(path: string): Promise<boolean> {
  if (await isDirectory(path)) return (await cocoJsonsIn(path)).jsons.length > 0;
  return path.toLowerCase().endsWith('.json') && sniffCoco(path);
}

/**
 * Read a COCO JSON file, or every COCO JSON of a dataset folder (coco-layout.ts), each image's
 * split from its file's name or folder unless `split` is given. Each file_name is looked up in
 * the folders the layout implies (and `imagesRoot`); an image not found is one error naming the
 * folders tried, and is left out. `file` in the result is relative to the returned `root`.
 */
export async function readCoco(path: string, opts: CocoReadOptions = {}): Promise<ParseResult & { root: string; imageRoots: string[] }> {
  const dir = await isDirectory(path);
  const root = dir ? rootOfJson(resolve(path, 'x.json')) : rootOfJson(path);
  const imagesRoot = opts.imagesRoot ? resolve(opts.imagesRoot) : undefined;
  const imageRoots = [root, ...(imagesRoot && imagesRoot !== root ? [imagesRoot] : [])];
  const found = dir ? await cocoJsonsIn(resolve(path)) : { jsons: [resolve(path)], notes: [] };
  if (found.jsons.length === 0) {
    const reason = 'no COCO JSON file found (looked for *.json, annotations/*.json and <split>/_annotations.coco.json)';
    return { ...emptyResult(path, reason), root, imageRoots };
  }
  const finder = new ImageFinder();
  const parts: { json: string; result: ParseResult }[] = [];
  const errors: FormatProblem[] = [...found.notes];
  const taken = new Map<string, string>(); // image path -> the JSON that listed it first
  for (const json of found.jsons) {
    const split = opts.split ?? splitOfJson(json).split;
    const parsed = await parseCocoFile(json, { classes: opts.classes, ...(split ? { split } : {}) }, opts.streamAbove ?? STREAM_ABOVE);
    const folders = imageFolders(json, imagesRoot);
    const kept: DatasetImage[] = [];
    const missing: FormatProblem[] = [];
    for (const [k, img] of parsed.dataset.images.entries()) {
      const where = `images[${parsed.imageAt[k]}].file_name`;
      const full = await finder.find(folders, img.file);
      if (!full) {
        missing.push({ file: json, where, reason: `image "${img.file}" not found; looked in ${showFolders(folders, root)}` });
        continue;
      }
      const first = taken.get(full);
      if (first !== undefined) {
        missing.push({ file: json, where, reason: `image "${img.file}" is already read from ${first}; this entry is left out` });
        continue;
      }
      taken.set(full, json);
      kept.push({ ...img, file: toPosix(relative(root, full)) });
    }
    errors.push(...parsed.errors, ...missing);
    parts.push({ json, result: { dataset: { ...parsed.dataset, images: kept }, errors: [] } });
  }
  const merged = mergeCoco(parts, opts.classes);
  return { dataset: merged.dataset, errors: [...errors, ...merged.errors], root, imageRoots };
}

/**
 * Several COCO files as one dataset: classes matched by name (first-seen order), their ids kept
 * when every file numbers its categories; a name with another id in a later file keeps the first.
 */
function mergeCoco(parts: { json: string; result: ParseResult }[], seed?: readonly string[]): ParseResult {
  if (parts.length === 1) return parts[0]!.result;
  const table = new ClassTable(seed);
  const idOf = new Map<string, { id: number; json: string }>();
  const errors: FormatProblem[] = [];
  const images: DatasetImage[] = [];
  let numbered = true;
  for (const { json, result } of parts) {
    const { classes, classIds } = result.dataset;
    const map = classes.map((n) => table.indexOf(n));
    if (!classIds) numbered = false;
    classes.forEach((name, i) => {
      const id = classIds?.[i];
      if (id === undefined) return;
      const prev = idOf.get(name);
      if (!prev) idOf.set(name, { id, json });
      else if (prev.id !== id) errors.push({ file: json, where: 'categories', reason: `category "${name}" has id ${id} here and ${prev.id} in ${prev.json}; the first id is kept` });
    });
    for (const img of result.dataset.images) {
      images.push({ ...img, annotations: img.annotations.map((a) => ({ ...a, classIndex: map[a.classIndex]! })) });
    }
  }
  const dataset: Dataset = { classes: table.names, images };
  if (numbered) {
    const used = new Set([...idOf.values()].map((v) => v.id));
    let next = Math.max(0, ...used) + 1;
    dataset.classIds = table.names.map((n) => idOf.get(n)?.id ?? next++);
  }
  return { dataset, errors };
}

/** Write `<outPath>` (a .json file) or `<outPath>/annotations.json`; images go to `images/`. */
export async function writeCocoFiles(dataset: Dataset, outPath: string): Promise<WrittenDataset & { root: string }> {
  const isJson = outPath.toLowerCase().endsWith('.json');
  const root = isJson ? resolve(outPath, '..') : resolve(outPath);
  const out = writeCoco(dataset, { fileName: isJson ? outPath.split(/[\\/]/).pop()! : 'annotations.json' });
  await writeOutput(root, out);
  return { ...out, root };
}
