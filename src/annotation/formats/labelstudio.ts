/**
 * Label Studio JSON export, read only (https://labelstud.io/guide/export#Label-Studio-JSON-format-of-annotated-tasks):
 *   [ { id, data: { image: "/data/upload/1/3f2a9c1b-a.jpg" },
 *       annotations: [ { id, completed_by, was_cancelled?, result: [ ... ] }, ... ],
 *       predictions: [ { model_version, score, result: [ ... ] } ] } ]
 * Every annotation that was not cancelled is kept, each annotator's results apart: their
 * annotations carry `author` = the annotator (completed_by's email, else "user:<id>"; without
 * completed_by, "annotation:<id>" when a task has several). Predictions are kept too, with author
 * "prediction:<model_version>" and their score. The results themselves: labelstudio-results.ts.
 * `file` is data.image as written, except local-storage URLs (/data/local-files/?d=a/b.jpg),
 * which become the path they name, and what the caller's `resolveImage` finds on disk.
 * Sizes come from original_width/height, else `sizes`.
 */
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { jsonErrorWhere } from './coco';
import { isFile, parseWithSizes, readText, toPosix } from './io';
import type { DatasetImage } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult } from './reports';
import { lookupSize, type SizeLookup, type SizeOf } from './sizes';
import { ClassTable } from './classes';
import { isNum, isObject, readResults } from './labelstudio-results';

type Json = unknown;

/** data.image as a file: local-storage URLs name a path; anything else is kept as written. */
export function labelStudioFile(url: string): string {
  const m = /^\/?data\/local-files\/?\?d=(.*)$/.exec(url);
  if (m) {
    try {
      return decodeURIComponent(m[1]!.replace(/\+/g, ' '));
    } catch {
      return m[1]!;
    }
  }
  return url;
}

/**
 * Where an image URL may be on disk, relative to the JSON's folder, most likely first:
 * local storage names a path; an upload (/data/upload/<project>/<8 hex>-name.jpg) is the stored
 * name or the original one; any other URL or name, its last part. Each beside the JSON and in images/.
 */
export function labelStudioCandidates(url: string): string[] {
  const local = labelStudioFile(url);
  if (local !== url) return [local, `images/${local.split('/').pop()}`];
  let path = url;
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) path = decodeURIComponent(new URL(url).pathname);
  } catch {
    // not a URL after all: kept as written
  }
  const base = path.split('/').pop() ?? '';
  if (!base) return [];
  const names = [base];
  const upload = /^[0-9a-f]{8}-(.+)$/i.exec(base);
  if (upload && /(^|\/)data\/upload\//.test(path)) names.push(upload[1]!);
  const out: string[] = [];
  const rel = path.replace(/^\/+/, '');
  if (!/(^|\/)data\/upload\//.test(path) && rel !== base && !/^[a-z][a-z0-9+.-]*:/i.test(url)) out.push(rel);
  for (const n of names) out.push(n, `images/${n}`);
  return out;
}

export interface LabelStudioOptions {
  classes?: readonly string[];
  /** Where data.image is on disk (relative to the JSON's folder, or absolute); undefined = keep as written. */
  resolveImage?: (url: string) => string | undefined;
}

/** The annotator of an annotation: completed_by's email, else its id. */
function annotatorOf(a: Record<string, Json>): string | undefined {
  const by = a.completed_by;
  if (isObject(by)) {
    if (typeof by.email === 'string' && by.email) return by.email;
    if (isNum(by.id) || typeof by.id === 'string') return `user:${by.id}`;
  }
  if (isNum(by) || (typeof by === 'string' && by)) return `user:${by}`;
  return undefined;
}

export function parseLabelStudio(text: string, file: string, opts: LabelStudioOptions = {}, sizes?: SizeLookup): ParseResult {
  let doc: Json;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const { where, reason } = jsonErrorWhere(text, err as Error);
    return emptyResult(file, reason, where);
  }
  if (isObject(doc) && isObject(doc.data)) doc = [doc]; // a single task
  if (!Array.isArray(doc)) return emptyResult(file, 'a Label Studio JSON export is a list of tasks');
  const table = new ClassTable(opts.classes);
  const errors: FormatProblem[] = [];
  const problem = (where: string, reason: string): void => {
    errors.push({ file, where, reason });
  };
  const images: DatasetImage[] = [];
  const seen = new Map<string, number>();

  doc.forEach((task: Json, t: number) => {
    const at = `[${t}]`;
    if (!isObject(task)) return problem(at, 'a task must be an object with data and annotations');
    if (!isObject(task.data)) return problem(`${at}.data`, 'the task has no data');
    let url: Json = task.data.image;
    if (url === undefined) {
      const strings = Object.values(task.data).filter((v): v is string => typeof v === 'string');
      url = strings.length === 1 ? strings[0] : undefined;
    }
    if (typeof url !== 'string' || url.trim() === '') return problem(`${at}.data.image`, 'the task has no image');
    const imageFile = opts.resolveImage?.(url) ?? labelStudioFile(url);
    const prev = seen.get(imageFile);
    if (prev !== undefined) return problem(`${at}.data.image`, `the image is already in task [${prev}]; this task is ignored`);
    seen.set(imageFile, t);

    const img: DatasetImage = { file: imageFile, width: 0, height: 0, annotations: [] };
    images.push(img);
    for (const key of ['annotations', 'predictions'] as const) {
      if (task[key] !== undefined && !Array.isArray(task[key])) problem(`${at}.${key}`, `${key} must be a list`);
    }
    const anns = Array.isArray(task.annotations) ? (task.annotations as Json[]) : [];
    const preds = Array.isArray(task.predictions) ? (task.predictions as Json[]) : [];

    // Each source of results: an annotation (not cancelled) or a prediction, with who made it.
    const sources: { at: string; results: Json[]; author?: string; score?: number; id?: Json }[] = [];
    anns.forEach((a, j) => {
      const aat = `${at}.annotations[${j}]`;
      if (!isObject(a)) return problem(aat, 'an annotation must be an object');
      if (a.result !== undefined && !Array.isArray(a.result)) return problem(`${aat}.result`, 'result must be a list');
      const results = (a.result ?? []) as Json[];
      if (a.was_cancelled === true) {
        if (results.length > 0) problem(aat, `the annotation was cancelled (skipped) in Label Studio; its ${results.length} results are not read`);
        return;
      }
      sources.push({ at: `${aat}.result`, results, author: annotatorOf(a), ...(isNum(a.id) || typeof a.id === 'string' ? { id: a.id } : {}) });
    });
    const named = sources.filter((s) => s.author !== undefined).length;
    // Several annotations and no annotator named: they still stay apart, by annotation id.
    if (sources.length > 1 && named < sources.length) {
      sources.forEach((s, j) => {
        s.author ??= `annotation:${String(s.id ?? j)}`;
      });
    }
    preds.forEach((p, j) => {
      const pat = `${at}.predictions[${j}]`;
      if (!isObject(p)) return problem(pat, 'a prediction must be an object');
      if (p.result !== undefined && !Array.isArray(p.result)) return problem(`${pat}.result`, 'result must be a list');
      const version = typeof p.model_version === 'string' && p.model_version ? p.model_version : isNum(p.model_version) ? String(p.model_version) : '';
      const src: (typeof sources)[number] = { at: `${pat}.result`, results: (p.result ?? []) as Json[], author: version ? `prediction:${version}` : 'prediction' };
      if (isNum(p.score)) src.score = p.score;
      sources.push(src);
    });

    // The image size: original_width/height of the first result that carries it, else the
    // caller's measure (a failure is not reported: only rotated boxes and masks need the size).
    for (const r of sources.flatMap((s) => s.results)) {
      if (isObject(r) && isNum(r.original_width) && isNum(r.original_height) && r.original_width > 0 && r.original_height > 0) {
        img.width = r.original_width;
        img.height = r.original_height;
        break;
      }
    }
    if (img.width === 0) {
      const s = lookupSize(sizes, imageFile);
      if (typeof s !== 'string') [img.width, img.height] = [s.width, s.height];
    }
    for (const s of sources) {
      const extras: { author?: string; score?: number } = {};
      if (s.author !== undefined) extras.author = s.author;
      if (s.score !== undefined) extras.score = s.score;
      img.annotations.push(...readResults(s.results, { at: s.at, width: img.width, height: img.height, table, problem, extras }));
    }
  });
  return { dataset: { classes: table.names, images }, errors };
}

// ---------------------------------------------------------------------------------------------
// Files

export async function detectLabelStudio(path: string): Promise<boolean> {
  if (!path.toLowerCase().endsWith('.json') || !(await isFile(path))) return false;
  const t = await readText(path);
  if (!('text' in t)) return false;
  const head = t.text.trimStart();
  return head.startsWith('[') && /"data"\s*:/.test(head.slice(0, 1 << 16)) && /"annotations"\s*:|"predictions"\s*:/.test(head);
}

/**
 * Read an export file. Each data.image is looked up on disk (labelStudioCandidates) in
 * `imagesRoot` when given, then beside the JSON; found, `file` is that path (relative to `root`,
 * the JSON's folder, or absolute when under `imagesRoot` elsewhere); not found, it stays as
 * written and is reported.
 */
export async function readLabelStudio(
  path: string,
  opts: { sizeOf?: SizeOf; classes?: readonly string[]; followLinks?: boolean; imagesRoot?: string } = {},
): Promise<ParseResult & { root: string; imageRoots: string[] }> {
  const root = dirname(resolve(path));
  const imageRoots = opts.imagesRoot ? [resolve(opts.imagesRoot), root] : [root];
  const t = await readText(path);
  if ('error' in t) return { ...emptyResult(path, t.error), root, imageRoots };
  // First pass: which URLs the tasks name; then where each one is on disk.
  const urls = new Set<string>();
  parseLabelStudio(t.text, resolve(path), {
    resolveImage: (u) => {
      urls.add(u);
      return undefined;
    },
  });
  const found = new Map<string, string>();
  const missing: string[] = [];
  for (const url of urls) {
    let hit: string | undefined;
    for (const dir of imageRoots) {
      for (const c of labelStudioCandidates(url)) {
        const abs = isAbsolute(c) ? c : join(dir, c);
        if (await isFile(abs)) {
          hit = abs;
          break;
        }
      }
      if (hit !== undefined) break;
    }
    // Under the JSON's folder: relative, as the other formats give files; elsewhere (imagesRoot): absolute.
    const rel = hit === undefined ? '' : toPosix(relative(root, hit));
    if (hit !== undefined) found.set(url, rel.startsWith('../') || isAbsolute(rel) ? hit : rel);
    else missing.push(url);
  }
  const opts2: LabelStudioOptions = { classes: opts.classes, resolveImage: (u) => found.get(u) };
  const result = await parseWithSizes((sizes) => parseLabelStudio(t.text, resolve(path), opts2, sizes), root, opts.sizeOf, opts.followLinks);
  const where = imageRoots.length > 1 ? `${imageRoots[0]} or beside the JSON` : 'beside the JSON';
  for (const url of missing) {
    result.errors.push({ file: resolve(path), where: '', reason: `the image "${url}" is not found ${where} (nor in images/)` });
  }
  return { ...result, root, imageRoots };
}
