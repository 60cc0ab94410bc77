/**
 * The class list and splits of a YOLO dataset, from its config: an Ultralytics `data.yaml`
 * (https://docs.ultralytics.com/datasets/detect/: path, train / val / test as a folder, a list
 * of folders or a .txt list of images, nc, names as a list or an id map `{0: person, 2: car}`),
 * or a Darknet `obj.data` (`classes = 2`, `train = data/train.txt`, `names = data/obj.names`).
 * A YOLO class id is the position in the list, so the whole list is kept in id order, used or
 * not: a missing id gets a placeholder name (`class_1`) and one problem line naming the gaps.
 */
import type { DatasetSplit } from './dataset';
import type { FormatProblem } from './reports';
import { readYaml } from './yaml-doc';

export interface YoloConfig {
  names?: string[];
  nc?: number;
  path?: string;
  /** Folder or .txt entries per split, as written (relative to `path`). */
  splits: Partial<Record<DatasetSplit, string[]>>;
}

/** Ids above this are a typo, not a class list (a names map is allocated up to its largest id). */
const MAX_CLASS_ID = 100_000;

/**
 * Raw names by id (undefined = not given) -> the class list: placeholders for gaps and empty
 * names, duplicates made distinct (a class per id, so ids stay exact), each fix reported.
 */
export function yoloClassNames(raw: readonly (string | undefined)[], problem: (reason: string, id?: number) => void): string[] {
  const gaps = raw.flatMap((n, i) => (n === undefined ? [i] : []));
  const taken = new Set(raw.filter((n): n is string => n !== undefined && n.trim() !== ''));
  const unique = (base: string): string => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
  const seen = new Set<string>();
  const names = raw.map((n, i) => {
    if (n === undefined) return unique(`class_${i}`);
    if (n.trim() === '') {
      const name = unique(`class_${i}`);
      problem(`class ${i} has an empty name; it is called "${name}"`, i);
      return name;
    }
    if (seen.has(n)) {
      const name = unique(`${n}_${i}`);
      problem(`class ${i} repeats the name "${n}"; it is called "${name}" so that ids stay exact`, i);
      return name;
    }
    seen.add(n);
    return n;
  });
  if (gaps.length > 0) {
    const shown = gaps.slice(0, 10);
    problem(
      `names has no class for id${gaps.length === 1 ? '' : 's'} ${shown.join(', ')}${gaps.length > shown.length ? `, ... (${gaps.length} in all)` : ''}; ` +
        `${gaps.length === 1 ? 'it is' : 'they are'} kept as ${shown.map((i) => `"${names[i]}"`).join(', ')}${gaps.length > shown.length ? ', ...' : ''} so that ids stay exact`,
    );
  }
  return names;
}

const scalarText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

/** Read data.yaml; problems are listed with their line, what could be read is kept. */
export function parseYoloConfig(text: string, file: string): { config: YoloConfig; errors: FormatProblem[] } {
  const errors: FormatProblem[] = [];
  const config: YoloConfig = { splits: {} };
  const yaml = readYaml(text);
  for (const e of yaml.errors) errors.push({ file, where: `line ${e.line}`, reason: e.reason });
  const doc = yaml.value;
  if (doc === undefined || doc === null) return { config, errors };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    errors.push({ file, where: 'line 1', reason: 'data.yaml must be a map of keys (path, train, val, nc, names)' });
    return { config, errors };
  }
  const get = (key: string): unknown => (doc as Record<string, unknown>)[key];
  const at = (...path: (string | number)[]): string => `line ${yaml.lineOf(...path) || 1}`;
  const problem = (where: string, reason: string): void => {
    errors.push({ file, where, reason });
  };

  const names = get('names');
  if (names !== undefined && names !== null) {
    let raw: (string | undefined)[] | undefined;
    if (Array.isArray(names)) {
      raw = names.map((n, i) => {
        const s = scalarText(n);
        if (s === undefined) problem(at('names', i), `names: class ${i} is not a name`);
        return s ?? '';
      });
    } else if (typeof names === 'object') {
      raw = [];
      for (const [k, v] of Object.entries(names as Record<string, unknown>)) {
        const id = /^\d+$/.test(k.trim()) ? Number(k) : NaN;
        const s = scalarText(v);
        if (!Number.isInteger(id) || id > MAX_CLASS_ID) problem(at('names', k), `names: "${k}" is not a class id (0, 1, 2, ...)`);
        else if (s === undefined) problem(at('names', k), `names: class ${id} is not a name`);
        else if (raw[id] !== undefined) problem(at('names', k), `names: id ${id} appears twice`);
        else raw[id] = s;
      }
      raw = Array.from({ length: raw.length }, (_, i) => raw![i]);
    } else if (names === '') raw = [];
    else problem(at('names'), 'names must be a list (- cat) or an id map (0: cat)');
    if (raw) config.names = yoloClassNames(raw, (reason, id) => problem(id === undefined ? at('names') : at('names', id), `names: ${reason}`));
  }

  const nc = get('nc');
  if (nc !== undefined && nc !== null) {
    if (typeof nc !== 'number' || !Number.isInteger(nc) || nc < 0) problem(at('nc'), 'nc must be a whole number');
    else {
      config.nc = nc;
      if (config.names && config.names.length !== nc) {
        problem(at('nc'), `nc is ${nc} but names lists ${config.names.length} classes; the names are used`);
      }
    }
  }
  const path = get('path');
  if (path !== undefined && path !== null) {
    if (typeof path === 'string') config.path = path;
    else problem(at('path'), 'path must be a folder');
  }
  for (const split of ['train', 'val', 'test'] as const) {
    const v = get(split);
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'string') config.splits[split] = [v];
    else if (Array.isArray(v) && v.every((e) => typeof e === 'string')) config.splits[split] = v as string[];
    else problem(at(split), `${split} must be a folder, a .txt list or a list of them`);
  }
  return { config, errors };
}

/** A Darknet `obj.data`: where the names file and the image lists are (paths as written). */
export interface DarknetData {
  classes?: number;
  names?: string;
  splits: Partial<Record<DatasetSplit, string>>;
}

/** `key = value` lines (CVAT's "YOLO 1.1" export, AlexeyAB darknet); unknown keys (backup) are ignored. */
export function parseDarknetData(text: string, file: string): { data: DarknetData; errors: FormatProblem[] } {
  const data: DarknetData = { splits: {} };
  const errors: FormatProblem[] = [];
  const keys: Record<string, DatasetSplit> = { train: 'train', valid: 'val', val: 'val', test: 'test' };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const m = /^([A-Za-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!m) return errors.push({ file, where: `line ${i + 1}`, reason: 'expected "key = value"' });
    const [key, value] = [m[1]!.toLowerCase(), m[2]!.trim()];
    if (key === 'classes') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) errors.push({ file, where: `line ${i + 1}`, reason: 'classes must be a whole number' });
      else data.classes = n;
    } else if (key === 'names') data.names = value;
    else if (keys[key] && value) data.splits[keys[key]] = value;
    return undefined;
  });
  return { data, errors };
}
