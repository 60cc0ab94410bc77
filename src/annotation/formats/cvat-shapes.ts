/**
 * One shape of a CVAT <image> -> an annotation of the model, or a reason it cannot be one.
 *   <box label xtl ytl xbr ybr rotation?>  <polygon|polyline|points label points="x,y;x,y">
 *   <mask label rle left top width height>  <tag label>
 * each with `source`, `occluded`, `z_order`, `group_id` and <attribute name="...">value</attribute>
 * children. Pixels of the image as CVAT shows it; coordinates are normalized here.
 */
import type { AnnotationExtras, AttributeValue, DatasetAnnotation, Point, Size } from './dataset';
import { parseNumber } from './numbers';
import { checkPixelBox, checkPolygon, PIXEL_SLACK } from './geometry-checks';
import { cvatRleToCoco } from './cvat-rle';
import { childElements, type XmlElement } from './xml';

export interface ShapeContext {
  size: Size;
  classIndex: number;
  /** input_type of the label's attributes, from <meta>. */
  attributeTypes: ReadonlyMap<string, string> | undefined;
  /** A problem with this shape or one of its attributes (where: the element's line). */
  problem: (el: XmlElement, reason: string) => void;
}

export type ShapeResult = DatasetAnnotation | { error: string } | undefined;

/** CVAT's attribute value as the meta declares it: numbers and checkboxes typed, the rest text. */
function attributeValue(raw: string, type: string | undefined): AttributeValue | { error: string } {
  if (type === 'number') {
    const n = parseNumber(raw);
    return Number.isNaN(n) ? { error: `"${raw}" is not a number` } : n;
  }
  if (type === 'checkbox') {
    const t = raw.trim().toLowerCase();
    if (t === 'true' || t === 'false') return t === 'true';
    return { error: `"${raw}" is not true or false` };
  }
  return raw;
}

function extrasOf(el: XmlElement, ctx: ShapeContext): AnnotationExtras {
  const x: AnnotationExtras = {};
  const occ = el.attrs.get('occluded');
  if (occ === '0' || occ === '1') x.occluded = occ === '1';
  else if (occ !== undefined) ctx.problem(el, `occluded="${occ}" must be 0 or 1; the shape is kept as not occluded`);
  const z = el.attrs.get('z_order');
  if (z !== undefined) {
    const n = parseNumber(z);
    if (Number.isInteger(n)) x.zOrder = n;
    else ctx.problem(el, `z_order="${z}" is not a whole number; it is not kept`);
  }
  const g = el.attrs.get('group_id');
  if (g !== undefined) {
    const n = parseNumber(g);
    if (Number.isInteger(n) && n >= 0) {
      if (n > 0) x.group = n; // 0 is CVAT's "no group"
    } else ctx.problem(el, `group_id="${g}" is not a whole number; the shape keeps no group`);
  }
  const source = el.attrs.get('source')?.trim();
  if (source) x.author = source;
  const attrs: Record<string, AttributeValue> = {};
  let any = false;
  for (const a of childElements(el, 'attribute')) {
    const name = a.attrs.get('name');
    if (name === undefined || name === '') {
      ctx.problem(a, 'an <attribute> without a name; it is not kept');
      continue;
    }
    const v = attributeValue(a.text, ctx.attributeTypes?.get(name));
    if (typeof v === 'object') {
      ctx.problem(a, `the attribute "${name}" is declared ${ctx.attributeTypes?.get(name)} but ${v.error}; kept as text`);
      attrs[name] = a.text;
    } else attrs[name] = v;
    any = true;
  }
  if (any) x.attributes = attrs;
  return x;
}

/** "x,y;x,y" -> flat numbers, or the first bad pair. */
function flatPoints(raw: string): number[] | { error: string } {
  const flat: number[] = [];
  for (const pair of raw.split(';')) {
    if (pair.trim() === '') continue;
    const xy = pair.split(',');
    const nums = xy.map(parseNumber);
    if (xy.length !== 2 || nums.some((n) => Number.isNaN(n))) return { error: `bad point "${pair.trim()}" (expected "x,y")` };
    flat.push(...nums);
  }
  return flat;
}

/** Open lines and key points: at least `min` points, each inside the image (float noise snapped). */
function checkPoints(flat: number[], size: Size, min: number, what: string): Point[] | { error: string } {
  if (flat.length / 2 < min) return { error: `${what} needs at least ${min} point${min > 1 ? 's' : ''}, this one has ${flat.length / 2}` };
  const out: Point[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const [x, y] = [flat[i]!, flat[i + 1]!];
    if (x < -PIXEL_SLACK || y < -PIXEL_SLACK || x > size.width + PIXEL_SLACK || y > size.height + PIXEL_SLACK) {
      return { error: `point ${i / 2 + 1} (${x}, ${y}) lies outside the ${size.width}x${size.height} image` };
    }
    out.push([Math.min(size.width, Math.max(0, x)) / size.width, Math.min(size.height, Math.max(0, y)) / size.height]);
  }
  return out;
}

function box(el: XmlElement, ctx: ShapeContext, extras: AnnotationExtras): ShapeResult {
  const v: number[] = [];
  for (const k of ['xtl', 'ytl', 'xbr', 'ybr', 'rotation']) {
    const raw = el.attrs.get(k);
    if (raw === undefined && k === 'rotation') {
      v.push(0);
      continue;
    }
    const n = raw === undefined ? NaN : parseNumber(raw);
    if (Number.isNaN(n)) return { error: raw === undefined ? `the box has no ${k}` : `bad number "${raw}" for ${k}` };
    v.push(n);
  }
  const [xtl, ytl, xbr, ybr, rot] = v as [number, number, number, number, number];
  if (xbr < xtl || ybr < ytl) return { error: `negative box size: xbr ${xbr} < xtl ${xtl} or ybr ${ybr} < ytl ${ytl}` };
  if (rot % 360 !== 0) {
    // A rotated box (degrees clockwise about its centre) is kept exactly as its 4 corners.
    const [cx, cy, hw, hh] = [(xtl + xbr) / 2, (ytl + ybr) / 2, (xbr - xtl) / 2, (ybr - ytl) / 2];
    const th = (rot * Math.PI) / 180;
    const [c, s] = [Math.cos(th), Math.sin(th)];
    const corners = [[-hw, -hh], [hw, -hh], [hw, hh], [-hw, hh]].flatMap(([dx, dy]) => [cx + dx! * c - dy! * s, cy + dx! * s + dy! * c]);
    const p = checkPolygon(corners, ctx.size);
    if (!p.ok) return { error: `the rotated box: ${p.reason}` };
    return { kind: 'polygon', classIndex: ctx.classIndex, points: p.points, ...extras };
  }
  const b = checkPixelBox(xtl, ytl, xbr - xtl, ybr - ytl, ctx.size);
  if (!b.ok) return { error: b.reason };
  return { kind: 'box', classIndex: ctx.classIndex, x: b.x, y: b.y, w: b.w, h: b.h, ...extras };
}

function mask(el: XmlElement, ctx: ShapeContext, extras: AnnotationExtras): ShapeResult {
  const ints: number[] = [];
  for (const k of ['left', 'top', 'width', 'height']) {
    const raw = el.attrs.get(k);
    const n = raw === undefined ? NaN : parseNumber(raw);
    if (!Number.isInteger(n) || n < 0) return { error: raw === undefined ? `the mask has no ${k}` : `${k}="${raw}" must be a whole number of pixels` };
    ints.push(n);
  }
  const [left, top, width, height] = ints as [number, number, number, number];
  if (width === 0 || height === 0) return { error: `the mask box is empty (${width}x${height})` };
  const rle: number[] = [];
  for (const part of (el.attrs.get('rle') ?? '').split(',')) {
    const n = parseNumber(part);
    if (!Number.isInteger(n) || n < 0) return { error: part.trim() === '' && rle.length === 0 ? 'the mask has no rle' : `bad run length "${part.trim()}" in rle` };
    rle.push(n);
  }
  if (!Number.isInteger(ctx.size.width) || !Number.isInteger(ctx.size.height)) {
    return { error: `the image size ${ctx.size.width}x${ctx.size.height} is not whole pixels; a mask needs them` };
  }
  const r = cvatRleToCoco({ rle, left, top, width, height }, ctx.size.width, ctx.size.height);
  if (!r.ok) return { error: r.reason };
  if (r.pixels === 0) return { error: 'the mask has no foreground pixels' };
  return { kind: 'mask', classIndex: ctx.classIndex, mask: r.mask, ...extras };
}

/** The shape elements this reader knows; others are reported by the caller. */
export const CVAT_SHAPES = new Set(['box', 'polygon', 'polyline', 'points', 'mask', 'tag']);

export function readCvatShape(el: XmlElement, ctx: ShapeContext): ShapeResult {
  const extras = extrasOf(el, ctx);
  switch (el.name) {
    case 'tag':
      return { kind: 'tag', classIndex: ctx.classIndex, ...extras };
    case 'box':
      return box(el, ctx, extras);
    case 'mask':
      return mask(el, ctx, extras);
    case 'polygon':
    case 'polyline':
    case 'points': {
      const flat = flatPoints(el.attrs.get('points') ?? '');
      if ('error' in flat) return flat;
      if (el.name === 'polygon') {
        const p = checkPolygon(flat, ctx.size);
        return p.ok ? { kind: 'polygon', classIndex: ctx.classIndex, points: p.points, ...extras } : { error: p.reason };
      }
      const pts = checkPoints(flat, ctx.size, el.name === 'polyline' ? 2 : 1, el.name === 'polyline' ? 'a polyline' : 'a points shape');
      if ('error' in pts) return pts;
      return { kind: el.name, classIndex: ctx.classIndex, points: pts, ...extras };
    }
    default:
      return undefined;
  }
}
