// Geometry as the formats read it: boxes and polygons checked against the image and converted
// from pixels to the normalized coordinates of the dataset model.
import type { Point, Size } from './dataset';

// Geometry checks. Values a hair outside the image (float noise of a pixel conversion) are
// snapped to the border; anything further out is rejected with a reason, never clamped.

/** Slack in pixels: rounding in files that write 2 decimals, or x + w computed in floats. */
export const PIXEL_SLACK = 0.01;
/** Slack for normalized formats that do not know the pixel size (6-decimal YOLO files). */
export const NORM_SLACK = 1e-5;

export type BoxCheck = { ok: true; x: number; y: number; w: number; h: number } | { ok: false; reason: string };

/** A box in pixels -> normalized, or the reason it is invalid. */
export function checkPixelBox(x: number, y: number, w: number, h: number, size: Size): BoxCheck {
  const r = checkBoxGeneric(x, y, w, h, size.width, size.height, PIXEL_SLACK, 'px');
  if (!r.ok) return r;
  return { ok: true, x: r.x / size.width, y: r.y / size.height, w: r.w / size.width, h: r.h / size.height };
}

/** A normalized box checked against [0,1]. */
export function checkNormBox(x: number, y: number, w: number, h: number): BoxCheck {
  return checkBoxGeneric(x, y, w, h, 1, 1, NORM_SLACK, '');
}

function checkBoxGeneric(
  x: number, y: number, w: number, h: number, W: number, H: number, slack: number, unit: string,
): BoxCheck {
  for (const [name, v] of [['x', x], ['y', y], ['width', w], ['height', h]] as const) {
    if (!Number.isFinite(v)) return { ok: false, reason: `the box ${name} is not a number` };
  }
  if (w < 0 || h < 0) return { ok: false, reason: `the box has a negative size (${fmt(w)}x${fmt(h)}${unit})` };
  if (w === 0 || h === 0) return { ok: false, reason: `the box is empty (${fmt(w)}x${fmt(h)}${unit})` };
  if (x < -slack || y < -slack || x + w > W + slack || y + h > H + slack) {
    const where = unit ? `the ${fmt(W)}x${fmt(H)} image` : 'the image (0..1)';
    return {
      ok: false,
      reason: `the box [x ${fmt(x)}, y ${fmt(y)}, w ${fmt(w)}, h ${fmt(h)}]${unit ? ' px' : ''} lies outside ${where}`,
    };
  }
  // Snap float noise to the border, leaving values that are inside untouched (exact round trips).
  let [x0, y0, w0, h0] = [x, y, w, h];
  if (x0 < 0) [x0, w0] = [0, w0 + x0];
  if (y0 < 0) [y0, h0] = [0, h0 + y0];
  if (x0 + w0 > W) w0 = W - x0;
  if (y0 + h0 > H) h0 = H - y0;
  if (!(w0 > 0) || !(h0 > 0)) return { ok: false, reason: 'the box is empty' };
  return { ok: true, x: x0, y: y0, w: w0, h: h0 };
}

export type PolygonCheck = { ok: true; points: Point[] } | { ok: false; reason: string };

/** Flat [x1, y1, x2, y2, ...] in pixels (size given) or normalized (size undefined). */
export function checkPolygon(flat: readonly number[], size?: Size): PolygonCheck {
  if (flat.length % 2 !== 0) return { ok: false, reason: `the polygon has an odd number of coordinates (${flat.length})` };
  if (flat.length < 6) return { ok: false, reason: `a polygon needs at least 3 points, this one has ${flat.length / 2}` };
  const W = size?.width ?? 1;
  const H = size?.height ?? 1;
  const slack = size ? PIXEL_SLACK : NORM_SLACK;
  const points: Point[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const x = flat[i]!;
    const y = flat[i + 1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return { ok: false, reason: `point ${i / 2 + 1} is not a number` };
    if (x < -slack || y < -slack || x > W + slack || y > H + slack) {
      return {
        ok: false,
        reason: `point ${i / 2 + 1} (${fmt(x)}, ${fmt(y)}) lies outside the ${size ? `${fmt(W)}x${fmt(H)} image` : 'image (0..1)'}`,
      };
    }
    points.push([Math.min(W, Math.max(0, x)) / W, Math.min(H, Math.max(0, y)) / H]);
  }
  return { ok: true, points };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : String(v);
}

/** Shoelace area of a polygon in whatever units its points are in. */
export function polygonArea(points: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i]!;
    const [x2, y2] = points[(i + 1) % points.length]!;
    a += x1 * y2 - x2 * y1;
  }
  return Math.abs(a) / 2;
}
