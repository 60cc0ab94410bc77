/**
 * YOLO (Ultralytics layout, https://docs.ultralytics.com/datasets/detect/ and /segment/):
 *   data.yaml            path, train / val / test (folders, lists of folders or .txt lists), nc,
 *                        names (a list or an index map {0: person, ...})
 *   images/<split>/a.jpg
 *   labels/<split>/a.txt one object a line: "class cx cy w h" (box, normalized to [0, 1]) or
 *                        "class x1 y1 x2 y2 ... xn yn" (segment polygon, n >= 3, normalized)
 * A label file is found by replacing the last "images" folder of the image path by "labels"
 * (or beside the image). No label file, or an empty one, means an image without objects.
 * Without data.yaml the names come from classes.txt / obj.names (one a line).
 * Writing: images/<split>/ and labels/<split>/ (images/ and labels/ when no image has a
 * split), one .txt per image (an empty one for an image without objects), data.yaml with
 * names as an index map in class order. Tags cannot be written (skipped and listed).
 * Coordinates are the model's normalized ones; image sizes (the EXIF-upright size) are only
 * needed to fill the model on import, hence the `sizeOf` callback.
 */
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { hasImageExtension } from '../../media/formats';
import { isDirectory, isFile, parseWithSizes, readText, toPosix, walkFiles, writeOutput } from './io';
import type { Dataset, DatasetAnnotation, DatasetImage, DatasetSplit } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult, type WrittenDataset } from './reports';
import { lookupSize, type SizeLookup, type SizeOf } from './sizes';
import { formatNumber, parseNumber } from './numbers';
import { checkNormBox, checkPolygon } from './geometry-checks';
import { className, ClassTable } from './classes';
import { ExportNames, stemOf } from './unique-names';
import { parseYamlLite, YamlError, yamlString, type YamlValue } from './yaml-lite';

export interface YoloConfig {
  names?: string[];
  nc?: number;
  path?: string;
  /** Folder or .txt entries per split, as written (relative to `path`). */
  splits: Partial<Record<DatasetSplit, string[]>>;
}

/** Read data.yaml; problems are listed, what could be read is kept. */
export function parseYoloConfig(text: string, file: string): { config: YoloConfig; errors: FormatProblem[] } {
  const errors: FormatProblem[] = [];
  const config: YoloConfig = { splits: {} };
  let doc: Map<string, YamlValue>;
  try {
    doc = parseYamlLite(text);
  } catch (err) {
    if (err instanceof YamlError) {
      errors.push({ file, where: `line ${err.line}`, reason: err.reason });
      return { config, errors };
    }
    throw err;
  }
  const problem = (v: YamlValue, reason: string): void => {
    errors.push({ file, where: `line ${v.line}`, reason });
  };
  const names = doc.get('names');
  if (names) {
    if (names.kind === 'list') config.names = names.items;
    else if (names.kind === 'map') {
      const byIndex: string[] = [];
      for (const [k, v] of names.entries) {
        const i = /^\d+$/.test(k) ? Number(k) : NaN;
        if (!Number.isInteger(i) || i > 100_000) problem(names, `names: "${k}" is not a class index`);
        else if (byIndex[i] !== undefined) problem(names, `names: index ${i} appears twice`);
        else byIndex[i] = v;
      }
      for (let i = 0; i < byIndex.length; i++) {
        if (byIndex[i] === undefined) {
          problem(names, `names: index ${i} is missing; it is called "class_${i}"`);
          byIndex[i] = `class_${i}`;
        }
      }
      config.names = byIndex;
    } else if (names.kind === 'scalar' && names.value === '') config.names = [];
    else problem(names, 'names must be a list (- cat) or an index map (0: cat)');
    config.names?.forEach((n, i) => {
      if (n.trim() === '') {
        problem(names, `names: class ${i} has an empty name; it is called "class_${i}"`);
        config.names![i] = `class_${i}`;
      }
    });
  }
  const nc = doc.get('nc');
  if (nc) {
    const n = nc.kind === 'scalar' ? parseNumber(nc.value) : NaN;
    if (!Number.isInteger(n) || n < 0) problem(nc, 'nc must be a whole number');
    else {
      config.nc = n;
      if (config.names && config.names.length !== n) {
        problem(nc, `nc is ${n} but names lists ${config.names.length} classes; the names are used`);
      }
    }
  }
  const path = doc.get('path');
  if (path) {
    if (path.kind === 'scalar') config.path = path.value;
    else problem(path, 'path must be a folder');
  }
  for (const split of ['train', 'val', 'test'] as const) {
    const v = doc.get(split);
    if (!v) continue;
    if (v.kind === 'scalar') {
      if (v.value !== '' && v.value !== 'null' && v.value !== '~') config.splits[split] = [v.value];
    } else if (v.kind === 'list') config.splits[split] = v.items;
    else problem(v, `${split} must be a folder, a .txt list or a list of them`);
  }
  return { config, errors };
}

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
  /** classes.txt / obj.names, used when there is no data.yaml names. */
  classNames?: { file: string; text: string };
  images: YoloImageInput[];
  /** Label files with no image (each is reported). */
  orphanLabels?: string[];
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
  if (!names && input.classNames) {
    names = input.classNames.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  }
  const synthesized = !names;
  if (!names) {
    errors.push({
      file: input.config?.file ?? '(dataset)',
      where: '',
      reason: 'no class names (data.yaml names, classes.txt or obj.names); classes are called class_0, class_1, ...',
    });
    names = [];
  }
  // Index -> class; duplicate names share one class.
  const table = new ClassTable();
  const indexMap = names.map((n, i) => {
    if (table.has(n)) {
      errors.push({ file: input.config?.file ?? input.classNames?.file ?? '', where: '', reason: `class ${i} repeats the name "${n}"; both are read as one class` });
    }
    return table.indexOf(n);
  });
  const classOf = (i: number): number | undefined => {
    if (synthesized) {
      while (indexMap.length <= i) indexMap.push(table.indexOf(`class_${indexMap.length}`));
    }
    return indexMap[i];
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
  return { dataset: { classes: table.names, images }, errors };
}

function parseYoloLabels(
  text: string,
  file: string,
  nNames: number,
  classOf: (i: number) => number | undefined,
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
    const classIndex = classOf(cls)!;
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
// Writer

export function writeYolo(dataset: Dataset): WrittenDataset {
  const files: WrittenDataset['files'] = [];
  const placements: WrittenDataset['images'] = [];
  const skipped: FormatProblem[] = [];
  const names = new ExportNames();
  const anySplit = dataset.images.some((i) => i.split);
  const splitsUsed = new Set<DatasetSplit>();
  for (const img of dataset.images) {
    const sub = img.split ? `/${img.split}` : '';
    if (img.split) splitsUsed.add(img.split);
    const name = names.claim(`images${sub}`, img.file);
    placements.push({ file: img.file, to: `images${sub}/${name}` });
    const lines: string[] = [];
    for (const a of img.annotations) {
      className(dataset, a, img.file);
      const f = formatNumber;
      if (a.kind === 'box') lines.push([a.classIndex, f(a.x + a.w / 2), f(a.y + a.h / 2), f(a.w), f(a.h)].join(' '));
      else if (a.kind === 'polygon') lines.push([String(a.classIndex), ...a.points.flatMap(([x, y]) => [f(x), f(y)])].join(' '));
      else skipped.push({ file: img.file, where: '', reason: 'YOLO has no image-level tags; the tag is not written' });
    }
    files.push({ path: `labels${sub}/${stemOf(name)}.txt`, content: lines.length ? lines.join('\n') + '\n' : '' });
  }
  const yaml = ['# YOLO dataset written by Apprentice (Ultralytics layout)', 'path: .'];
  if (!anySplit) yaml.push('train: images', 'val: images');
  else for (const s of ['train', 'val', 'test'] as const) if (splitsUsed.has(s)) yaml.push(`${s}: images/${s}`);
  yaml.push(`nc: ${dataset.classes.length}`);
  if (dataset.classes.length === 0) yaml.push('names: []');
  else {
    yaml.push('names:');
    dataset.classes.forEach((n, i) => yaml.push(`  ${i}: ${yamlString(n)}`));
  }
  files.push({ path: 'data.yaml', content: yaml.join('\n') + '\n' });
  return { files, images: placements, skipped };
}

// ---------------------------------------------------------------------------------------------
// Files

export interface YoloReadOptions {
  /** Measures an image (absolute path); the app uses sharp with EXIF orientation applied. */
  sizeOf?: SizeOf;
  /** Measure images outside the dataset folder too (symlinks, `..`, absolute paths); off by default. */
  followLinks?: boolean;
}

const CONFIG_NAMES = ['data.yaml', 'data.yml', 'dataset.yaml', 'dataset.yml'];
const NAMES_FILES = ['classes.txt', 'obj.names', 'labels/classes.txt'];

async function findConfig(dir: string): Promise<string | undefined> {
  for (const n of CONFIG_NAMES) if (await isFile(join(dir, n))) return join(dir, n);
  return undefined;
}

export async function detectYolo(path: string): Promise<boolean> {
  if (/\.ya?ml$/i.test(path)) {
    const t = await readText(path);
    return 'text' in t && /^names\s*:/m.test(t.text);
  }
  if (!(await isDirectory(path))) return false;
  if (await findConfig(path)) return true;
  return (await isDirectory(join(path, 'labels'))) && (await isDirectory(join(path, 'images')));
}

/** Label candidates for an image: last "images" folder -> "labels", then beside the image. */
function labelCandidates(rel: string): string[] {
  const parts = rel.split('/');
  const stem = stemOf(parts[parts.length - 1]!);
  const dir = parts.slice(0, -1);
  const out: string[] = [];
  const k = dir.lastIndexOf('images');
  if (k >= 0) {
    const d = [...dir];
    d[k] = 'labels';
    out.push([...d, `${stem}.txt`].join('/'));
  }
  out.push([...dir, `${stem}.txt`].join('/'));
  return out;
}

/**
 * Read a YOLO dataset folder (or its data.yaml). Splits come from the yaml's train/val/test
 * entries (the most specific folder wins; an image listed under two splits gets none), or,
 * without them, from folder names (train, val/valid, test). `file` is relative to `root`.
 */
export async function readYolo(path: string, opts: YoloReadOptions = {}): Promise<ParseResult & { root: string }> {
  const errors: FormatProblem[] = [];
  let configPath: string | undefined;
  let base: string;
  if (await isDirectory(path)) {
    base = resolve(path);
    configPath = await findConfig(base);
  } else if (await isFile(path)) {
    configPath = resolve(path);
    base = dirname(configPath);
  } else return { ...emptyResult(path, 'no such file or folder'), root: resolve(path) };

  let config: YoloInput['config'];
  let cfg: YoloConfig = { splits: {} };
  if (configPath) {
    const t = await readText(configPath);
    if ('error' in t) return { ...emptyResult(configPath, t.error), root: base };
    config = { file: configPath, text: t.text };
    cfg = parseYoloConfig(t.text, configPath).config;
  }
  let root = base;
  if (cfg.path && cfg.path !== '.') {
    const p = isAbsolute(cfg.path) ? cfg.path : resolve(base, cfg.path);
    if (await isDirectory(p)) root = p;
  }
  let classNames: YoloInput['classNames'];
  for (const n of NAMES_FILES) {
    if (await isFile(join(root, n))) {
      const t = await readText(join(root, n));
      if ('text' in t) classNames = { file: join(root, n), text: t.text };
      break;
    }
  }

  const all = await walkFiles(root, errors);
  const present = new Set(all);
  const imageFiles = all.filter((f) => hasImageExtension(f));

  // Split rules: folder prefixes and explicit lists.
  const prefixes: { prefix: string; split: DatasetSplit }[] = [];
  const listed = new Map<string, Set<DatasetSplit>>();
  for (const [split, entries] of Object.entries(cfg.splits) as [DatasetSplit, string[]][]) {
    for (const e of entries) {
      let p = resolve(root, e);
      if (!(await isDirectory(p)) && !(await isFile(p)) && e.startsWith('../')) p = resolve(root, e.slice(3));
      if (await isFile(p)) {
        const t = await readText(p);
        if ('error' in t) {
          errors.push({ file: p, where: '', reason: t.error });
          continue;
        }
        for (const line of t.text.split(/\r?\n/)) {
          const l = line.trim();
          if (!l) continue;
          const rel = toPosix(relative(root, isAbsolute(l) ? l : resolve(l.startsWith('./') ? dirname(p) : root, l)));
          if (!listed.has(rel)) listed.set(rel, new Set());
          listed.get(rel)!.add(split);
        }
      } else if (await isDirectory(p)) {
        const rel = toPosix(relative(root, p));
        prefixes.push({ prefix: rel === '' ? '' : `${rel}/`, split });
      } else errors.push({ file: configPath ?? root, where: '', reason: `the ${split} folder "${e}" does not exist` });
    }
  }
  const splitOf = (rel: string): DatasetSplit | undefined => {
    const l = listed.get(rel);
    if (l) return l.size === 1 ? [...l][0] : undefined;
    const matches = prefixes.filter((p) => rel.startsWith(p.prefix));
    if (matches.length > 0) {
      const longest = Math.max(...matches.map((m) => m.prefix.length));
      const top = new Set(matches.filter((m) => m.prefix.length === longest).map((m) => m.split));
      return top.size === 1 ? [...top][0] : undefined;
    }
    if (prefixes.length > 0 || listed.size > 0) return undefined;
    for (const seg of rel.split('/').slice(0, -1)) {
      const s = ({ train: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test' } as const)[seg.toLowerCase() as 'train'];
      if (s) return s;
    }
    return undefined;
  };

  const usedLabels = new Set<string>();
  const images: YoloImageInput[] = [];
  for (const rel of imageFiles) {
    if (listed.size > 0 && prefixes.length === 0 && !listed.has(rel)) continue;
    const input: YoloImageInput = { file: rel };
    const split = splitOf(rel);
    if (split) input.split = split;
    const labelRel = labelCandidates(rel).find((c) => present.has(c));
    if (labelRel) {
      usedLabels.add(labelRel);
      const t = await readText(join(root, labelRel));
      if ('error' in t) errors.push({ file: join(root, labelRel), where: '', reason: t.error });
      else input.label = { file: join(root, labelRel), text: t.text };
    }
    images.push(input);
  }
  const orphanLabels = all
    .filter((f) => f.endsWith('.txt') && f.split('/').includes('labels') && !usedLabels.has(f) && basename(f) !== 'classes.txt')
    .map((f) => join(root, f));

  const result = await parseWithSizes((sizes) => parseYolo({ config, classNames, images, orphanLabels }, sizes), root, opts.sizeOf, opts.followLinks);
  return { dataset: result.dataset, errors: [...errors, ...result.errors], root };
}

/** Write label files and data.yaml under `outDir`; the caller copies images to `images[].to`. */
export async function writeYoloFiles(dataset: Dataset, outDir: string): Promise<WrittenDataset & { root: string }> {
  const out = writeYolo(dataset);
  await writeOutput(resolve(outDir), out);
  return { ...out, root: resolve(outDir) };
}
