/**
 * The folder layer of YOLO: find the config, the class names, the images, their label files and
 * their splits, then hand the texts to the pure parser (yolo.ts). Layouts read:
 *   Ultralytics  data.yaml (path, train / val / test: a folder, a list of folders or a .txt list
 *                of image paths), images/<split>/ + labels/<split>/ (Roboflow: <split>/images/)
 *   Darknet      obj.data (names = obj.names, train = train.txt), obj_train_data/ with each
 *                image's .txt beside it (CVAT's "YOLO 1.1" export)
 *   bare         classes.txt / obj.names and images/ + labels/ (splits from folder names)
 * A label file is found by replacing the last "images" folder of the image path by "labels",
 * else beside the image. No label file, or an empty one, means an image without objects.
 */
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { hasImageExtension } from '../../media/formats';
import { isDirectory, isFile, parseWithSizes, readText, toPosix, walkFiles, writeOutput } from './io';
import type { Dataset, DatasetSplit } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult, type WrittenDataset } from './reports';
import type { SizeOf } from './sizes';
import { stemOf } from './unique-names';
import { splitFromName } from './classes';
import { parseDarknetData, parseYoloConfig, type YoloConfig } from './yolo-config';
import { parseYolo, writeYolo, type YoloImageInput, type YoloInput, type YoloTask } from './yolo';

export interface YoloReadOptions {
  /** Measures an image (absolute path); the app uses sharp with EXIF orientation applied. */
  sizeOf?: SizeOf;
  /** Measure images outside the dataset folder too (symlinks, `..`, absolute paths); off by default. */
  followLinks?: boolean;
}

const CONFIG_NAMES = ['data.yaml', 'data.yml', 'dataset.yaml', 'dataset.yml'];
const DARKNET_NAMES = ['obj.data'];
const NAMES_FILES = ['classes.txt', 'obj.names', 'labels/classes.txt', 'data/obj.names'];

async function firstFile(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const n of names) if (await isFile(join(dir, n))) return join(dir, n);
  return undefined;
}

export async function detectYolo(path: string): Promise<boolean> {
  if (/\.ya?ml$/i.test(path)) {
    const t = await readText(path);
    return 'text' in t && /^["']?names["']?\s*:/m.test(t.text);
  }
  if (/(^|[\\/])obj\.data$/i.test(path)) return isFile(path);
  if (!(await isDirectory(path))) return false;
  if (await firstFile(path, [...CONFIG_NAMES, ...DARKNET_NAMES])) return true;
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
 * A path as a config writes it -> a path under `root` that exists (POSIX, relative), trying the
 * forms the tools write: as is, then without a leading "../" (Roboflow's data.yaml) or "data/"
 * (Darknet's obj.data, written for a darknet/ working folder). Undefined when none exists.
 */
function findUnder(root: string, written: string, base: string, exists: (rel: string) => boolean): string | undefined {
  const tries = [isAbsolute(written) ? written : resolve(base, written)];
  if (!isAbsolute(written)) {
    for (const prefix of ['../', 'data/', './data/']) if (written.startsWith(prefix)) tries.push(resolve(root, written.slice(prefix.length)));
  }
  for (const t of tries) {
    const rel = toPosix(relative(root, t));
    if (exists(rel)) return rel;
  }
  return undefined;
}

interface SplitRules {
  prefixes: { prefix: string; split: DatasetSplit }[];
  /** Image (relative) -> the splits whose .txt lists it. */
  listed: Map<string, Set<DatasetSplit>>;
}

/** Read the .txt image lists and folders of the config's splits; missing ones are reported. */
async function splitRules(
  root: string,
  splits: Partial<Record<DatasetSplit, string[]>>,
  configFile: string,
  present: Set<string>,
  dirs: Set<string>,
  errors: FormatProblem[],
): Promise<SplitRules> {
  const rules: SplitRules = { prefixes: [], listed: new Map() };
  for (const [split, entries] of Object.entries(splits) as [DatasetSplit, string[]][]) {
    for (const e of entries) {
      const file = findUnder(root, e, root, (r) => present.has(r));
      const dir = file === undefined ? findUnder(root, e, root, (r) => dirs.has(r)) : undefined;
      if (file !== undefined) {
        const abs = join(root, file);
        const t = await readText(abs);
        if ('error' in t) {
          errors.push({ file: abs, where: '', reason: t.error });
          continue;
        }
        t.text.split(/\r?\n/).forEach((line, i) => {
          const l = line.trim();
          if (!l || l.startsWith('#')) return;
          // Ultralytics: "./x" is relative to the list's folder, anything else to the dataset root.
          const base = l.startsWith('./') ? dirname(abs) : root;
          const rel = findUnder(root, l, base, (r) => present.has(r));
          if (rel === undefined) {
            errors.push({ file: abs, where: `line ${i + 1}`, reason: `the listed image "${l}" is not in the dataset folder` });
            return;
          }
          if (!rules.listed.has(rel)) rules.listed.set(rel, new Set());
          rules.listed.get(rel)!.add(split);
        });
      } else if (dir !== undefined) {
        rules.prefixes.push({ prefix: dir === '' ? '' : `${dir}/`, split });
      } else errors.push({ file: configFile, where: '', reason: `the ${split} entry "${e}" is neither a folder nor a list file in the dataset` });
    }
  }
  return rules;
}

/** The split of an image: its list, else the most specific folder, else (no rules) a folder name. */
function splitOf(rel: string, rules: SplitRules): DatasetSplit | undefined {
  const l = rules.listed.get(rel);
  if (l) return l.size === 1 ? [...l][0] : undefined;
  const matches = rules.prefixes.filter((p) => rel.startsWith(p.prefix));
  if (matches.length > 0) {
    const longest = Math.max(...matches.map((m) => m.prefix.length));
    const top = new Set(matches.filter((m) => m.prefix.length === longest).map((m) => m.split));
    return top.size === 1 ? [...top][0] : undefined;
  }
  if (rules.prefixes.length > 0 || rules.listed.size > 0) return undefined;
  for (const seg of rel.split('/').slice(0, -1)) {
    // Darknet folders: obj_train_data, obj_valid_data.
    const s = splitFromName(seg.replace(/^obj_(\w+?)_data$/i, '$1'));
    if (s) return s;
  }
  return undefined;
}

/**
 * Read a YOLO dataset folder (or its data.yaml / obj.data). Splits come from the config's
 * train/val/test entries (the most specific folder wins; an image listed under two splits gets
 * none), or, without them, from folder names (train, val/valid, test). `file` is relative to `root`.
 */
export async function readYolo(path: string, opts: YoloReadOptions = {}): Promise<ParseResult & { root: string }> {
  const errors: FormatProblem[] = [];
  let configPath: string | undefined;
  let base: string;
  if (await isDirectory(path)) {
    base = resolve(path);
    configPath = await firstFile(base, CONFIG_NAMES);
    configPath ??= await firstFile(base, DARKNET_NAMES);
  } else if (await isFile(path)) {
    configPath = resolve(path);
    base = dirname(configPath);
  } else return { ...emptyResult(path, 'no such file or folder'), root: resolve(path) };

  let config: YoloInput['config'];
  let cfg: YoloConfig = { splits: {} };
  let darknetNames: string | undefined;
  let darknetClasses: number | undefined;
  if (configPath) {
    const t = await readText(configPath);
    if ('error' in t) return { ...emptyResult(configPath, t.error), root: base };
    if (/\.data$/i.test(configPath)) {
      const d = parseDarknetData(t.text, configPath);
      errors.push(...d.errors);
      darknetNames = d.data.names;
      darknetClasses = d.data.classes;
      for (const [split, list] of Object.entries(d.data.splits)) cfg.splits[split as DatasetSplit] = [list];
    } else {
      config = { file: configPath, text: t.text };
      cfg = parseYoloConfig(t.text, configPath).config;
    }
  }
  let root = base;
  if (cfg.path && cfg.path !== '.') {
    const p = isAbsolute(cfg.path) ? cfg.path : resolve(base, cfg.path);
    if (await isDirectory(p)) root = p;
    else errors.push({ file: configPath!, where: '', reason: `path "${cfg.path}" is not a folder; the config's folder is used` });
  }

  const all = await walkFiles(root, errors);
  const present = new Set(all);
  const dirs = new Set<string>(['']);
  for (const f of all) for (let d = dirname(f); d !== '.' && !dirs.has(d); d = dirname(d)) dirs.add(d);

  let classNames: YoloInput['classNames'];
  const namesRel = darknetNames !== undefined ? findUnder(root, darknetNames, root, (r) => present.has(r)) : undefined;
  if (darknetNames !== undefined && namesRel === undefined) {
    errors.push({ file: configPath!, where: '', reason: `the names file "${darknetNames}" is not in the dataset folder` });
  }
  const namesFile = namesRel !== undefined ? join(root, namesRel) : await firstFile(root, NAMES_FILES);
  if (namesFile) {
    const t = await readText(namesFile);
    if ('text' in t) classNames = { file: namesFile, text: t.text };
    else errors.push({ file: namesFile, where: '', reason: t.error });
  }

  const rules = await splitRules(root, cfg.splits, configPath ?? root, present, dirs, errors);
  const onlyLists = rules.listed.size > 0 && rules.prefixes.length === 0;
  const usedLabels = new Set<string>();
  const images: YoloImageInput[] = [];
  const unlisted: string[] = [];
  for (const rel of all.filter((f) => hasImageExtension(f))) {
    if (onlyLists && !rules.listed.has(rel)) {
      unlisted.push(rel);
      continue;
    }
    const input: YoloImageInput = { file: rel };
    const split = splitOf(rel, rules);
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
  if (unlisted.length > 0) {
    errors.push({
      file: configPath ?? root,
      where: '',
      reason: `${unlisted.length} image${unlisted.length === 1 ? ' is' : 's are'} in no image list of the config and not read (${unlisted.slice(0, 5).join(', ')}${unlisted.length > 5 ? ', ...' : ''})`,
    });
  }
  const special = new Set([namesFile ? toPosix(relative(root, namesFile)) : '', 'classes.txt']);
  const orphanLabels = all
    .filter((f) => f.endsWith('.txt') && !usedLabels.has(f) && !special.has(f) && basename(f) !== 'classes.txt')
    .filter((f) => f.split('/').includes('labels') || /^obj_\w+_data$/i.test(basename(dirname(f))))
    .map((f) => join(root, f));

  const result = await parseWithSizes((sizes) => parseYolo({ config, classNames, images, orphanLabels }, sizes), root, opts.sizeOf, opts.followLinks);
  if (darknetClasses !== undefined && darknetClasses !== result.dataset.classes.length && classNames) {
    errors.push({ file: configPath!, where: '', reason: `classes is ${darknetClasses} but ${basename(classNames.file)} lists ${result.dataset.classes.length}; the names are used` });
  }
  return { dataset: result.dataset, errors: [...errors, ...result.errors], root };
}

async function writeFiles(dataset: Dataset, outDir: string, task: YoloTask): Promise<WrittenDataset & { root: string }> {
  const out = writeYolo(dataset, task);
  await writeOutput(resolve(outDir), out);
  return { ...out, root: resolve(outDir) };
}

/** YOLO detect: label files and data.yaml under `outDir`; the caller copies images to `images[].to`. */
export function writeYoloFiles(dataset: Dataset, outDir: string): Promise<WrittenDataset & { root: string }> {
  return writeFiles(dataset, outDir, 'detect');
}

/** YOLO segment: polygon label files and data.yaml under `outDir`. */
export function writeYoloSegFiles(dataset: Dataset, outDir: string): Promise<WrittenDataset & { root: string }> {
  return writeFiles(dataset, outDir, 'segment');
}
