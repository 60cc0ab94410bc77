/**
 * Label Studio JSON export, read only (https://labelstud.io/guide/export#Label-Studio-JSON-format-of-annotated-tasks):
 *   [ { id, data: { image: "/data/upload/1/a.jpg" },
 *       annotations: [ { was_cancelled?, result: [
 *         { type: "rectanglelabels", original_width, original_height,
 *           value: { x, y, width, height, rotation?, rectanglelabels: ["cat"] } },   percent of the image
 *         { type: "polygonlabels", value: { points: [[x, y], ...], polygonlabels: ["cat"] } },
 *         { type: "choices", value: { choices: ["cat"] } } ] } ] } ]
 * The last annotation that was not cancelled is used; predictions are ignored. A rotated
 * rectangle (rotation about its top-left corner, degrees clockwise) becomes a 4-point polygon.
 * `file` is data.image as written, except local-storage URLs (/data/local-files/?d=a/b.jpg)
 * which become the path they name. Sizes come from original_width/height, else `sizes`.
 */
import { dirname, resolve } from 'node:path';
import { jsonErrorWhere } from './coco';
import { isFile, parseWithSizes, readText } from './io';
import type { DatasetAnnotation, DatasetImage } from './dataset';
import { emptyResult, type FormatProblem, type ParseResult } from './reports';
import { lookupSize, type SizeLookup, type SizeOf } from './sizes';
import { checkNormBox, checkPolygon } from './geometry-checks';
import { ClassTable } from './classes';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: Json): v is number => typeof v === 'number' && Number.isFinite(v);
const show = (v: Json): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}...` : s;
};

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

export function parseLabelStudio(
  text: string,
  file: string,
  opts: { classes?: readonly string[] } = {},
  sizes?: SizeLookup,
): ParseResult {
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
    const imageFile = labelStudioFile(url);
    const prev = seen.get(imageFile);
    if (prev !== undefined) return problem(`${at}.data.image`, `the image is already in task [${prev}]; this task is ignored`);
    seen.set(imageFile, t);

    const img: DatasetImage = { file: imageFile, width: 0, height: 0, annotations: [] };
    images.push(img);
    if (task.annotations !== undefined && !Array.isArray(task.annotations)) {
      return problem(`${at}.annotations`, 'annotations must be a list');
    }
    const anns = (task.annotations ?? []) as Json[];
    let chosen = -1;
    anns.forEach((a, j) => {
      if (isObject(a) && a.was_cancelled !== true) chosen = j;
    });
    const ann = (chosen < 0 ? {} : anns[chosen]) as Record<string, Json>;
    // The image size: original_width/height of the first result that carries it, else the
    // caller's measure (a failure is not reported: only a rotated box needs the size).
    const results = isObject(ann) && Array.isArray(ann.result) ? ann.result : [];
    for (const r of results) {
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
    if (chosen < 0) return;

    const aat = `${at}.annotations[${chosen}]`;
    if (ann.result === undefined) return;
    if (!Array.isArray(ann.result)) return problem(`${aat}.result`, 'result must be a list');

    ann.result.forEach((r: Json, k: number) => {
      const rat = `${aat}.result[${k}]`;
      if (!isObject(r)) return problem(rat, 'a result must be an object');
      if (!isObject(r.value)) return problem(`${rat}.value`, 'the result has no value');
      const v = r.value;
      const labelsOf = (key: string): number[] | undefined => {
        const l = v[key];
        if (!Array.isArray(l) || l.length === 0 || !l.every((n) => typeof n === 'string' && n.trim() !== '')) {
          problem(`${rat}.value.${key}`, `${key} must be a list of class names`);
          return undefined;
        }
        return (l as string[]).map((n) => table.indexOf(n));
      };
      const push = (classes: number[], make: (classIndex: number) => DatasetAnnotation): void => {
        for (const c of classes) img.annotations.push(make(c));
      };
      switch (r.type) {
        case 'rectanglelabels': {
          for (const key of ['x', 'y', 'width', 'height'] as const) {
            if (!isNum(v[key])) return problem(`${rat}.value.${key}`, `bad number ${show(v[key])}`);
          }
          const [x, y, w, h] = [v.x, v.y, v.width, v.height].map((n) => (n as number) / 100) as [number, number, number, number];
          const rotation = v.rotation === undefined ? 0 : v.rotation;
          if (!isNum(rotation)) return problem(`${rat}.value.rotation`, `bad number ${show(rotation)}`);
          if (w < 0 || h < 0) return problem(rat, `negative box size ${show(v.width)} x ${show(v.height)} (percent)`);
          const classes = labelsOf('rectanglelabels');
          if (!classes) return;
          if (rotation % 360 !== 0) {
            if (!(img.width > 0 && img.height > 0)) return problem(rat, 'a rotated box needs original_width and original_height');
            const W = img.width;
            const H = img.height;
            const th = (rotation * Math.PI) / 180;
            const [c, s] = [Math.cos(th), Math.sin(th)];
            const px = [x * W, y * H];
            const [wp, hp] = [w * W, h * H];
            const corners = [
              [px[0]!, px[1]!],
              [px[0]! + wp * c, px[1]! + wp * s],
              [px[0]! + wp * c - hp * s, px[1]! + wp * s + hp * c],
              [px[0]! - hp * s, px[1]! + hp * c],
            ];
            const p = checkPolygon(corners.flat(), { width: W, height: H });
            if (!p.ok) return problem(rat, `the rotated box: ${p.reason}`);
            return push(classes, (classIndex) => ({ kind: 'polygon', classIndex, points: p.points.map((q) => [q[0], q[1]]) }));
          }
          const b = checkNormBox(x, y, w, h);
          if (!b.ok) return problem(rat, b.reason);
          return push(classes, (classIndex) => ({ kind: 'box', classIndex, x: b.x, y: b.y, w: b.w, h: b.h }));
        }
        case 'polygonlabels': {
          if (!Array.isArray(v.points)) return problem(`${rat}.value.points`, 'points must be a list of [x, y]');
          const flat: number[] = [];
          for (let i = 0; i < v.points.length; i++) {
            const pt: Json = v.points[i];
            if (!Array.isArray(pt) || pt.length !== 2) return problem(`${rat}.value.points[${i}]`, 'a point must be [x, y]');
            for (let d = 0; d < 2; d++) {
              if (!isNum(pt[d])) return problem(`${rat}.value.points[${i}][${d}]`, `bad number ${show(pt[d])}`);
              flat.push((pt[d] as number) / 100);
            }
          }
          const p = checkPolygon(flat);
          if (!p.ok) return problem(`${rat}.value.points`, p.reason);
          const classes = labelsOf('polygonlabels');
          if (!classes) return;
          return push(classes, (classIndex) => ({ kind: 'polygon', classIndex, points: p.points.map((q) => [q[0], q[1]]) }));
        }
        case 'choices': {
          const classes = labelsOf('choices');
          if (!classes) return;
          const have = new Set(img.annotations.filter((a) => a.kind === 'tag').map((a) => a.classIndex));
          for (const c of classes) if (!have.has(c)) img.annotations.push({ kind: 'tag', classIndex: c });
          return;
        }
        default:
          return problem(`${rat}.type`, `unsupported result type ${show(r.type)} (rectanglelabels, polygonlabels and choices are read)`);
      }
    });
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

/** Read an export file; `file` stays as written (relative ones resolve against `root`). */
export async function readLabelStudio(
  path: string,
  opts: { sizeOf?: SizeOf; classes?: readonly string[]; followLinks?: boolean } = {},
): Promise<ParseResult & { root: string }> {
  const root = dirname(resolve(path));
  const t = await readText(path);
  if ('error' in t) return { ...emptyResult(path, t.error), root };
  const result = await parseWithSizes((sizes) => parseLabelStudio(t.text, resolve(path), opts, sizes), root, opts.sizeOf, opts.followLinks);
  return { ...result, root };
}
