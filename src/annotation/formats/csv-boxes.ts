/**
 * Box CSV: one row per annotation, `path,label,x,y,w,h[,split]` with the box in pixels
 * (x, y = top-left corner), an optional header naming the columns (path, label, x, y, w, h,
 * split in any order). A row without box values is an image-level tag (`path,label[,split]`,
 * the classification CSV), a row with an empty label and no box is an image without
 * annotations. Paths are relative to the CSV's folder. Fields follow RFC 4180 quoting (the
 * app's one CSV parser, shared with the labels CSV of an image import).
 * Pixel boxes need the image size: the `sizeOf` callback (the EXIF-upright size) gives it.
 * Class order: `classes.txt` beside the CSV when present (written on export), then the
 * order names first appear. Writing: header, rows in image order, images to `images/<name>`
 * beside the CSV, pixels from the model's width/height; polygons are skipped (listed).
 */
import { basename, dirname, join, resolve } from 'node:path';
import { isFile, parseWithSizes, readText, writeOutput } from './io';
import type { Dataset, DatasetImage, DatasetSplit, Size } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult, type WrittenDataset } from './reports';
import { lookupSize, type SizeLookup, type SizeOf } from './sizes';
import { formatNumber, parseNumber } from './numbers';
import { checkPixelBox } from './geometry-checks';
import { className, ClassTable, splitFromName } from './classes';
import { ExportNames } from './unique-names';
import { parseLabelList } from './voc';
import { csvField, csvRecords } from '../../media/csv-records';

// One CSV parser for every CSV layout (media/csv-records.ts, csv-parse): re-exported for the registry.
export { csvRecords };

const HEADER_ALIASES: Record<string, string> = {
  path: 'path', file: 'path', filename: 'path', file_name: 'path', image: 'path', image_path: 'path',
  label: 'label', class: 'label', class_name: 'label', category: 'label',
  x: 'x', y: 'y', w: 'w', h: 'h', width: 'w', height: 'h', split: 'split',
};

export interface BoxCsvOptions {
  /** Known class order; names not in it are appended as they first appear. */
  classes?: readonly string[];
}

export function parseBoxCsv(text: string, file: string, opts: BoxCsvOptions = {}, sizes?: SizeLookup): ParseResult {
  const parsed = csvRecords(text);
  const records = parsed.records;
  const errors: FormatProblem[] = parsed.errors.map((e) => ({ file, where: `line ${e.line}`, reason: e.reason }));
  const table = new ClassTable(opts.classes);
  const images: DatasetImage[] = [];
  const byPath = new Map<string, { img: DatasetImage; size: Size | string; tags: Set<number> }>();
  let columns: Record<string, number> | undefined;
  let rows = records;
  const first = records[0];
  if (first && HEADER_ALIASES[first.cells[0]!.trim().toLowerCase()] === 'path') {
    columns = {};
    first.cells.forEach((c, i) => {
      const key = HEADER_ALIASES[c.trim().toLowerCase()];
      if (!key) errors.push({ file, where: `line ${first.line}`, reason: `unknown column "${c.trim()}" (ignored)` });
      else if (columns![key] !== undefined) errors.push({ file, where: `line ${first.line}`, reason: `the column "${c.trim()}" appears twice` });
      else columns![key] = i;
    });
    const box = ['x', 'y', 'w', 'h'].filter((k) => columns![k] !== undefined);
    if (box.length > 0 && box.length < 4) {
      return { ...emptyResult(file, `the header has ${box.join(', ')} but a box needs x, y, w and h`, `line ${first.line}`) };
    }
    rows = records.slice(1);
  }

  for (const { line, cells } of rows) {
    const where = `line ${line}`;
    const problem = (reason: string): void => {
      errors.push({ file, where, reason });
    };
    let c: Record<string, string | undefined>;
    if (columns) {
      c = {};
      for (const [k, i] of Object.entries(columns)) c[k] = cells[i]?.trim();
      if (cells.length > Object.keys(columns).length && cells.slice(Object.keys(columns).length).some((v) => v.trim())) {
        problem(`${cells.length} values but the header has ${first!.cells.length} columns`);
        continue;
      }
    } else {
      const t = cells.map((v) => v.trim());
      if (t.length <= 3) c = { path: t[0], label: t[1], split: t[2] };
      else if (t.length === 6 || t.length === 7) c = { path: t[0], label: t[1], x: t[2], y: t[3], w: t[4], h: t[5], split: t[6] };
      else {
        problem(`expected path,label[,split] or path,label,x,y,w,h[,split], got ${t.length} values`);
        continue;
      }
    }
    const path = c.path ?? '';
    if (!path) {
      problem('the path is empty');
      continue;
    }
    let split: DatasetSplit | undefined;
    if (c.split) {
      split = splitFromName(c.split);
      if (!split) {
        problem(`unknown split "${c.split}" (expected train, val or test)`);
        continue;
      }
    }
    let entry = byPath.get(path);
    if (!entry) {
      // Measured for every image when a size callback is given; only box rows need it.
      const size = lookupSize(sizes, path);
      entry = { img: { file: path, width: 0, height: 0, annotations: [] }, size, tags: new Set() };
      if (typeof size !== 'string') [entry.img.width, entry.img.height] = [size.width, size.height];
      if (split) entry.img.split = split;
      byPath.set(path, entry);
      images.push(entry.img);
    } else if (split && entry.img.split !== split) {
      problem(`"${path}" is already in the ${entry.img.split ?? 'no'} split; this row says ${split}`);
      continue;
    }
    const label = c.label ?? '';
    const boxCells = [c.x, c.y, c.w, c.h].map((v) => v ?? '');
    if (boxCells.every((v) => v === '')) {
      if (label) {
        const ci = table.indexOf(label);
        if (!entry.tags.has(ci)) {
          entry.tags.add(ci);
          entry.img.annotations.push({ kind: 'tag', classIndex: ci });
        }
      }
      continue;
    }
    const names = ['x', 'y', 'w', 'h'];
    const missing = boxCells.findIndex((v) => v === '');
    if (missing >= 0) {
      problem(`the box has no ${names[missing]} value (give all of x, y, w, h or none)`);
      continue;
    }
    const nums = boxCells.map(parseNumber);
    const bad = nums.findIndex((n) => Number.isNaN(n));
    if (bad >= 0) {
      problem(`bad number "${boxCells[bad]}" for ${names[bad]}`);
      continue;
    }
    if (!label) {
      problem('a box without a label');
      continue;
    }
    const [x, y, w, h] = nums as [number, number, number, number];
    if (w < 0 || h < 0) {
      problem(`negative box size ${w} x ${h}`);
      continue;
    }
    if (typeof entry.size === 'string') {
      problem(entry.size);
      continue;
    }
    const b = checkPixelBox(x, y, w, h, entry.size);
    if (!b.ok) {
      problem(b.reason);
      continue;
    }
    entry.img.annotations.push({ kind: 'box', classIndex: table.indexOf(label), x: b.x, y: b.y, w: b.w, h: b.h });
  }
  return { dataset: { classes: table.names, images }, errors };
}

export function writeBoxCsv(dataset: Dataset, opts: { fileName?: string; imagesFolder?: string } = {}): WrittenDataset {
  const folder = opts.imagesFolder ?? 'images';
  const names = new ExportNames();
  const placements: WrittenDataset['images'] = [];
  const skipped: FormatProblem[] = [];
  const lines = ['path,label,x,y,w,h,split'];
  for (const img of dataset.images) {
    const to = `${folder}/${names.claim(folder, img.file)}`;
    placements.push({ file: img.file, to });
    const split = img.split ?? '';
    let written = 0;
    for (const a of img.annotations) {
      const cls = className(dataset, a, img.file);
      if (a.kind === 'tag') lines.push([to, cls, '', '', '', '', split].map(csvField).join(','));
      else if (a.kind !== 'box') {
        skipped.push({ file: img.file, where: '', reason: `the box CSV holds boxes and tags only; a ${a.kind} is not written` });
        continue;
      } else if (!(img.width > 0 && img.height > 0)) {
        skipped.push({ file: img.file, where: '', reason: 'the image size is unknown; the box cannot be written in pixels' });
        continue;
      } else {
        const f = formatNumber;
        lines.push([to, cls, f(a.x * img.width), f(a.y * img.height), f(a.w * img.width), f(a.h * img.height), split].map(csvField).join(','));
      }
      written++;
    }
    if (written === 0) lines.push([to, '', '', '', '', '', split].map(csvField).join(','));
  }
  const files = [
    { path: opts.fileName ?? 'annotations.csv', content: lines.join('\n') + '\n' },
    { path: 'classes.txt', content: dataset.classes.map((c) => c.replace(/[\r\n]/g, ' ')).join('\n') + '\n' },
  ];
  return { files, images: placements, skipped };
}

// ---------------------------------------------------------------------------------------------
// Files

export async function detectBoxCsv(path: string): Promise<boolean> {
  if (!path.toLowerCase().endsWith('.csv')) return false;
  return isFile(path);
}

export async function readBoxCsv(
  path: string,
  opts: BoxCsvOptions & { sizeOf?: SizeOf; followLinks?: boolean } = {},
): Promise<ParseResult & { root: string }> {
  const root = dirname(resolve(path));
  const t = await readText(path);
  if ('error' in t) return { ...emptyResult(path, t.error), root };
  let classes = opts.classes;
  if (!classes) {
    const c = await readText(join(root, 'classes.txt'));
    if ('text' in c) classes = parseLabelList(c.text);
  }
  const result = await parseWithSizes((sizes) => parseBoxCsv(t.text, resolve(path), { classes }, sizes), root, opts.sizeOf, opts.followLinks);
  return { ...result, root };
}

/** Write `<outPath>` (the CSV) and `classes.txt` beside it; images go to `images/`. */
export async function writeBoxCsvFiles(dataset: Dataset, outPath: string): Promise<WrittenDataset & { root: string }> {
  const root = dirname(resolve(outPath));
  const out = writeBoxCsv(dataset, { fileName: basename(outPath) });
  await writeOutput(root, out);
  return { ...out, root };
}
