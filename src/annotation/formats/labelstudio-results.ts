/**
 * One Label Studio `result` list (an annotation's or a prediction's) -> dataset annotations.
 * Coordinates are percent of the image (0..100). Read:
 *   rectanglelabels  box (a rotated one, `value.rotation` about its top-left corner in degrees
 *                    clockwise, becomes the exact 4-point polygon and is reported, boxes being axis-aligned)
 *   polygonlabels    polygon            polylinelabels  polyline        keypointlabels  points (one point)
 *   brushlabels      mask (Label Studio's own RLE, labelstudio-brush.ts)
 *   choices          one tag per choice (a choice with the id of a region is that region's attribute)
 *   rectangle / polygon / keypoint / brush with a separate `labels` result of the same id (the
 *   <Rectangle> + <Labels> configuration): the labels result names the class
 *   textarea / rating / number with the id of a region: that region's attribute
 * Every result that cannot be kept is reported with its JSON path.
 */
import type { AttributeValue, DatasetAnnotation } from './dataset';
import { checkNormBox, checkPolygon } from './geometry-checks';
import type { ClassTable } from './classes';
import { decodeBrushRle } from './labelstudio-brush';

type Json = unknown;
export const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isNum = (v: Json): v is number => typeof v === 'number' && Number.isFinite(v);
export const show = (v: Json): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 40)}...` : s;
};

/** The geometry types, by their labelled name; the unlabelled name is the same without "labels". */
const GEOMETRY = ['rectanglelabels', 'polygonlabels', 'polylinelabels', 'keypointlabels', 'brushlabels'] as const;
type GeometryType = (typeof GEOMETRY)[number];
const geometryType = (t: Json): GeometryType | undefined =>
  typeof t !== 'string' ? undefined : GEOMETRY.find((g) => g === t || g === `${t}labels`);
const ATTRIBUTE_TYPES = new Set(['choices', 'textarea', 'rating', 'number', 'taxonomy', 'datetime']);

export interface ResultContext {
  /** JSON path of the result list, e.g. "[0].annotations[1].result". */
  at: string;
  /** The image size in pixels (0 = unknown): rotated boxes and brush masks need it. */
  width: number;
  height: number;
  table: ClassTable;
  problem: (where: string, reason: string) => void;
  /** Extras every annotation of this list carries (author, score). */
  extras: { author?: string; score?: number };
}

/** An attribute's value as Label Studio wrote it: choices joined, a text, a rating, a number. */
function attributeValue(v: Record<string, Json>): AttributeValue | undefined {
  for (const key of ['choices', 'text', 'taxonomy']) {
    const x = v[key];
    if (Array.isArray(x)) return x.map((e) => (Array.isArray(e) ? e.join('/') : String(e))).join(', ');
    if (typeof x === 'string') return x;
  }
  for (const key of ['rating', 'number', 'datetime']) {
    const x = v[key];
    if (typeof x === 'number' || typeof x === 'string') return x;
  }
  return undefined;
}

export function readResults(results: Json[], ctx: ResultContext): DatasetAnnotation[] {
  const out: DatasetAnnotation[] = [];
  const { at, table, problem } = ctx;
  // Region ids: a geometry result's id, so that a labels / choices / textarea result with the same id joins it.
  const regionIds = new Set<string>();
  const labelsById = new Map<string, string[]>();
  results.forEach((r) => {
    if (!isObject(r) || typeof r.id !== 'string' || !isObject(r.value)) return;
    if (geometryType(r.type)) regionIds.add(r.id);
    if (r.type === 'labels' && Array.isArray(r.value.labels)) labelsById.set(r.id, r.value.labels as string[]);
  });
  const regionOf = new Map<string, DatasetAnnotation[]>();
  const attributesLater: { id: string; name: string; value: AttributeValue; rat: string }[] = [];
  const tags = new Set<number>();

  results.forEach((r: Json, k: number) => {
    const rat = `${at}[${k}]`;
    if (!isObject(r)) return problem(rat, 'a result must be an object');
    if (r.type === 'relation') return problem(rat, `the relation ${show(r.from_id)} -> ${show(r.to_id)} between regions is not read (Apprentice has no relations)`);
    if (!isObject(r.value)) return problem(`${rat}.value`, 'the result has no value');
    const v = r.value;
    const id = typeof r.id === 'string' ? r.id : undefined;
    const extras = { ...ctx.extras };
    if (isNum(r.score)) extras.score = r.score;
    if (r.type === 'labels') {
      if (id === undefined || !regionIds.has(id)) problem(`${rat}.type`, 'a labels result without a region of the same id is not read');
      return;
    }
    if (typeof r.type === 'string' && ATTRIBUTE_TYPES.has(r.type) && id !== undefined && regionIds.has(id)) {
      const value = attributeValue(v);
      const name = typeof r.from_name === 'string' ? r.from_name : r.type;
      if (value === undefined) return problem(`${rat}.value`, `the ${r.type} of region ${id} has no value`);
      attributesLater.push({ id, name, value, rat });
      return;
    }
    if (r.type === 'choices') {
      const classes = labelsOf(v, 'choices', rat);
      if (!classes) return;
      for (const c of classes) {
        if (tags.has(c)) continue;
        tags.add(c);
        out.push({ kind: 'tag', classIndex: c, ...extras });
      }
      return;
    }
    const type = geometryType(r.type);
    if (!type) {
      return problem(`${rat}.type`, `unsupported result type ${show(r.type)} (rectangle, polygon, polyline, keypoint and brush labels and choices are read)`);
    }
    const key = v[type] !== undefined ? type : 'labels';
    const named = v[key] !== undefined ? labelsOf(v, key, rat) : id !== undefined && labelsById.has(id) ? labelsOf({ labels: labelsById.get(id) }, 'labels', rat) : undefined;
    if (v[key] === undefined && !(id !== undefined && labelsById.has(id))) {
      return problem(`${rat}.value.${type}`, `the region has no class (${type} or a labels result with its id)`);
    }
    if (!named) return;
    const made = geometry(type, v, rat, ctx);
    if (!made) return;
    const list: DatasetAnnotation[] = named.map((classIndex) => ({ ...made, classIndex, ...extras }) as DatasetAnnotation);
    out.push(...list);
    if (id !== undefined) regionOf.set(id, [...(regionOf.get(id) ?? []), ...list]);
  });

  for (const a of attributesLater) {
    const regions = regionOf.get(a.id);
    if (!regions) {
      problem(a.rat, `region ${a.id} was not read, so its ${a.name} is not either`);
      continue;
    }
    for (const region of regions) region.attributes = { ...region.attributes, [a.name]: a.value };
  }
  return out;

  function labelsOf(v: Record<string, Json>, key: string, rat: string): number[] | undefined {
    const l = v[key];
    if (!Array.isArray(l) || l.length === 0 || !l.every((n) => typeof n === 'string' && n.trim() !== '')) {
      problem(`${rat}.value.${key}`, `${key} must be a list of class names`);
      return undefined;
    }
    // Names are kept as written: "Cat" and "cat" are two classes, as they are in Label Studio.
    return (l as string[]).map((n) => table.indexOf(n));
  }
}

type Shape = Omit<Extract<DatasetAnnotation, { kind: 'box' }>, 'classIndex'>
  | Omit<Extract<DatasetAnnotation, { kind: 'polygon' | 'polyline' | 'points' }>, 'classIndex'>
  | Omit<Extract<DatasetAnnotation, { kind: 'mask' }>, 'classIndex'>;

/** The geometry of one region, normalized, or undefined after reporting why not. */
function geometry(type: GeometryType, v: Record<string, Json>, rat: string, ctx: ResultContext): Shape | undefined {
  const { problem } = ctx;
  const numbers = (keys: readonly string[]): number[] | undefined => {
    for (const key of keys) {
      if (!isNum(v[key])) {
        problem(`${rat}.value.${key}`, `bad number ${show(v[key])}`);
        return undefined;
      }
    }
    return keys.map((key) => (v[key] as number) / 100);
  };
  const pointList = (): number[] | undefined => {
    if (!Array.isArray(v.points)) {
      problem(`${rat}.value.points`, 'points must be a list of [x, y]');
      return undefined;
    }
    const flat: number[] = [];
    for (let i = 0; i < v.points.length; i++) {
      const pt: Json = v.points[i];
      if (!Array.isArray(pt) || pt.length !== 2) {
        problem(`${rat}.value.points[${i}]`, 'a point must be [x, y]');
        return undefined;
      }
      for (let d = 0; d < 2; d++) {
        if (!isNum(pt[d])) {
          problem(`${rat}.value.points[${i}][${d}]`, `bad number ${show(pt[d])}`);
          return undefined;
        }
        flat.push((pt[d] as number) / 100);
      }
    }
    return flat;
  };
  switch (type) {
    case 'rectanglelabels': {
      const n = numbers(['x', 'y', 'width', 'height']);
      if (!n) return undefined;
      const [x, y, w, h] = n as [number, number, number, number];
      const rotation = v.rotation === undefined ? 0 : v.rotation;
      if (!isNum(rotation)) return void problem(`${rat}.value.rotation`, `bad number ${show(rotation)}`);
      if (w < 0 || h < 0) return void problem(rat, `negative box size ${show(v.width)} x ${show(v.height)} (percent)`);
      if (rotation % 360 === 0) {
        const b = checkNormBox(x, y, w, h);
        if (!b.ok) return void problem(rat, b.reason);
        return { kind: 'box', x: b.x, y: b.y, w: b.w, h: b.h };
      }
      if (!(ctx.width > 0 && ctx.height > 0)) {
        return void problem(`${rat}.value.rotation`, `the box is rotated by ${rotation}° and the image size (original_width, original_height) is unknown; it is not read`);
      }
      // The corners in pixels (percent of a non-square image would skew the angle).
      const [W, H] = [ctx.width, ctx.height];
      const th = (rotation * Math.PI) / 180;
      const [c, s] = [Math.cos(th), Math.sin(th)];
      const [px, py, wp, hp] = [x * W, y * H, w * W, h * H];
      const corners = [px, py, px + wp * c, py + wp * s, px + wp * c - hp * s, py + wp * s + hp * c, px - hp * s, py + hp * c];
      const p = checkPolygon(corners, { width: W, height: H });
      if (!p.ok) return void problem(`${rat}.value.rotation`, `the box rotated by ${rotation}°: ${p.reason}`);
      problem(`${rat}.value.rotation`, `the box is rotated by ${rotation}°; it is read as its 4-point polygon (boxes are axis-aligned)`);
      return { kind: 'polygon', points: p.points };
    }
    case 'polygonlabels':
    case 'polylinelabels': {
      const flat = pointList();
      if (!flat) return undefined;
      if (type === 'polylinelabels') {
        if (flat.length < 4) return void problem(`${rat}.value.points`, `a polyline needs at least 2 points, this one has ${flat.length / 2}`);
        // checkPolygon wants 3 points; a 2-point line is checked with its first point repeated, then trimmed.
        const p = checkPolygon(flat.length >= 6 ? flat : [...flat, flat[0]!, flat[1]!]);
        if (!p.ok) return void problem(`${rat}.value.points`, p.reason);
        return { kind: 'polyline', points: p.points.slice(0, flat.length / 2) };
      }
      const p = checkPolygon(flat);
      if (!p.ok) return void problem(`${rat}.value.points`, p.reason);
      return { kind: 'polygon', points: p.points };
    }
    case 'keypointlabels': {
      const n = numbers(['x', 'y']);
      if (!n) return undefined;
      const [x, y] = n as [number, number];
      if (!(x >= -1e-5 && x <= 1 + 1e-5 && y >= -1e-5 && y <= 1 + 1e-5)) {
        return void problem(rat, `the key point (${show(v.x)}, ${show(v.y)}) % lies outside the image`);
      }
      return { kind: 'points', points: [[Math.min(1, Math.max(0, x)), Math.min(1, Math.max(0, y))]] };
    }
    case 'brushlabels': {
      if (v.format !== 'rle') return void problem(`${rat}.value.format`, `brush format ${show(v.format)} is not supported (Label Studio's "rle" is read)`);
      if (!(ctx.width > 0 && ctx.height > 0)) return void problem(rat, 'a brush mask needs original_width and original_height');
      const m = decodeBrushRle(v.rle, ctx.width, ctx.height);
      if ('error' in m) return void problem(`${rat}.value.rle`, m.error);
      if (m.counts.length < 2) return void problem(`${rat}.value.rle`, 'the brush mask is empty');
      return { kind: 'mask', mask: m };
    }
  }
}
