/**
 * Pure geometry for the canvas tools, in image pixels. Nothing here mutates its arguments:
 * every edit returns a new shape, so tools can keep the original for Escape.
 */
import { TOLERANCE, type Point, type Rect, type ToolContext, type ToolShape } from './types';

type Size = { width: number; height: number };

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export const dist = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y);

export function clampPoint(p: Point, image: Size): Point {
  return { x: clamp(p.x, 0, image.width), y: clamp(p.y, 0, image.height) };
}

/** The rectangle spanned by two opposite corners, in either order. */
export function rectFromPoints(a: Point, b: Point): Rect {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
}

export function pointInRect(p: Point, r: Rect): boolean {
  return p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h;
}

/** Even-odd rule, so self-intersecting polygons behave like the canvas fills them. */
export function pointInPolygon(p: Point, pts: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const a = pts[i]!;
    const b = pts[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

export function distToSegment(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0, 1);
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Distance to the closed outline through `pts` (the last vertex joins the first). */
export function distToPolygonEdges(p: Point, pts: readonly Point[]): number {
  let best = Infinity;
  for (let i = 0; i < pts.length; i++) best = Math.min(best, distToSegment(p, pts[i]!, pts[(i + 1) % pts.length]!));
  return best;
}

/** Corners clockwise from the top-left. */
export function rectCorners(r: Rect): Point[] {
  return [
    { x: r.x, y: r.y },
    { x: r.x + r.w, y: r.y },
    { x: r.x + r.w, y: r.y + r.h },
    { x: r.x, y: r.y + r.h },
  ];
}

export const distToBoxEdges = (p: Point, r: Rect): number => distToPolygonEdges(p, rectCorners(r));

/** Inside the shape, or within `tol` image pixels of its outline. */
export function hitShape(shape: ToolShape, p: Point, tol: number): boolean {
  if (shape.kind === 'box') return pointInRect(p, shape.box) || distToBoxEdges(p, shape.box) <= tol;
  return pointInPolygon(p, shape.points) || distToPolygonEdges(p, shape.points) <= tol;
}

/**
 * The topmost visible region at `p` (hit tolerance in screen px), or null. Unlocked only by
 * default; the select tool passes includeLocked because locked regions can still be selected.
 */
export function topRegionAt(ctx: ToolContext, p: Point, opts: { includeLocked?: boolean } = {}): number | null {
  const tol = TOLERANCE.hit / ctx.scale;
  for (let i = ctx.regions.length - 1; i >= 0; i--) {
    const r = ctx.regions[i]!;
    if (r.hidden || (r.locked && !opts.includeLocked)) continue;
    if (hitShape(r.shape, p, tol)) return r.id;
  }
  return null;
}

// ---- handles -------------------------------------------------------------------------------

/** Box handles, clockwise from the top-left corner; the letters name the edges a handle moves. */
export const BOX_HANDLES = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'] as const;
export type BoxHandle = (typeof BOX_HANDLES)[number];

export function boxHandles(r: Rect): Point[] {
  const { x, y, w, h } = r;
  const [cx, cy, x2, y2] = [x + w / 2, y + h / 2, x + w, y + h];
  return [
    { x, y }, { x: cx, y }, { x: x2, y }, { x: x2, y: cy },
    { x: x2, y: y2 }, { x: cx, y: y2 }, { x, y: y2 }, { x, y: cy },
  ];
}

/** mids[i] is the midpoint of the edge from vertex i to vertex i+1 (the last one closes the ring). */
export function polygonMids(pts: readonly Point[]): Point[] {
  return pts.map((a, i) => {
    const b = pts[(i + 1) % pts.length]!;
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  });
}

export function shapeHandles(shape: ToolShape): { points: Point[]; mids?: Point[] } {
  if (shape.kind === 'box') return { points: boxHandles(shape.box) };
  return { points: shape.points.map((p) => ({ ...p })), mids: polygonMids(shape.points) };
}

/** Index of the handle nearest to `p` within `tol` image pixels, or -1. */
export function handleAt(handles: readonly Point[], p: Point, tol: number): number {
  let best = -1;
  let bestD = tol;
  handles.forEach((h, i) => {
    const d = dist(h, p);
    if (d <= bestD) [best, bestD] = [i, d];
  });
  return best;
}

/**
 * The box with `handle` moved to `p`. Edges the handle does not own stay put; dragging past the
 * opposite side flips the box instead of producing a negative size.
 */
export function resizeBox(r: Rect, handle: BoxHandle, p: Point): Rect {
  let [l, t, rt, b] = [r.x, r.y, r.x + r.w, r.y + r.h];
  if (handle.includes('w')) l = p.x;
  if (handle.includes('e')) rt = p.x;
  if (handle.includes('n')) t = p.y;
  if (handle.includes('s')) b = p.y;
  return rectFromPoints({ x: l, y: t }, { x: rt, y: b });
}

// ---- moving --------------------------------------------------------------------------------

export function shapeBounds(shape: ToolShape): Rect {
  if (shape.kind === 'box') return { ...shape.box };
  const xs = shape.points.map((p) => p.x);
  const ys = shape.points.map((p) => p.y);
  return rectFromPoints({ x: Math.min(...xs), y: Math.min(...ys) }, { x: Math.max(...xs), y: Math.max(...ys) });
}

/** Union of the shapes' bounding boxes (for "zoom to selection"), or null when there are none. */
export function boundsOf(shapes: readonly ToolShape[]): Rect | null {
  if (shapes.length === 0) return null;
  const rs = shapes.map(shapeBounds);
  const x = Math.min(...rs.map((r) => r.x));
  const y = Math.min(...rs.map((r) => r.y));
  return rectFromPoints({ x, y }, { x: Math.max(...rs.map((r) => r.x + r.w)), y: Math.max(...rs.map((r) => r.y + r.h)) });
}

/**
 * Clamp a move of `bounds` so it stays inside the image. A shape already partly outside (an
 * imported label) may still move freely in the directions that do not push it further out.
 */
export function clampDelta(bounds: Rect, dx: number, dy: number, image: Size): { dx: number; dy: number } {
  const fit = (d: number, pos: number, size: number, max: number) =>
    clamp(d, Math.min(0, -pos), Math.max(0, max - pos - size));
  return { dx: fit(dx, bounds.x, bounds.w, image.width), dy: fit(dy, bounds.y, bounds.h, image.height) };
}

/** Unclamped translation. */
export function translate(shape: ToolShape, dx: number, dy: number): ToolShape {
  if (shape.kind === 'box') return { kind: 'box', box: { ...shape.box, x: shape.box.x + dx, y: shape.box.y + dy } };
  return { kind: 'polygon', points: shape.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) };
}

export function moveShape(shape: ToolShape, dx: number, dy: number, image: Size): ToolShape {
  const d = clampDelta(shapeBounds(shape), dx, dy, image);
  return translate(shape, d.dx, d.dy);
}

/** Arrow-key nudge: a move by (dx, dy) image pixels that stops at the image border. */
export const nudge = (shape: ToolShape, dx: number, dy: number, image: Size): ToolShape => moveShape(shape, dx, dy, image);

// ---- polygon edits -------------------------------------------------------------------------

export function moveVertex(pts: readonly Point[], i: number, p: Point): Point[] {
  return pts.map((q, j) => (j === i ? { ...p } : q));
}

/** Insert `p` so it becomes vertex `i` (insert at mids[k]'s edge with i = k + 1). */
export function insertVertex(pts: readonly Point[], i: number, p: Point): Point[] {
  return [...pts.slice(0, i), { ...p }, ...pts.slice(i)];
}

/** Remove vertex `i`, unless that would leave fewer than 3 (then the polygon is returned as is). */
export function removeVertex(pts: readonly Point[], i: number): Point[] {
  return pts.length <= 3 ? [...pts] : pts.filter((_, j) => j !== i);
}

/** Absolute area (shoelace); zero for degenerate polygons that would be invisible. */
export function polygonArea(pts: readonly Point[]): number {
  let s = 0;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[(i + 1) % pts.length]!;
    s += a.x * b.y - b.x * a.y;
  }
  return Math.abs(s) / 2;
}

// ---- marquee -------------------------------------------------------------------------------

export function rectsIntersect(a: Rect, b: Rect): boolean {
  return a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;
}

function segmentsIntersect(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const cross = (a: Point, b: Point, c: Point) => (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
  const d1 = cross(q1, q2, p1);
  const d2 = cross(q1, q2, p2);
  const d3 = cross(p1, p2, q1);
  const d4 = cross(p1, p2, q2);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  // Touching or collinear cases: an endpoint on the other segment.
  return (
    (d1 === 0 && distToSegment(p1, q1, q2) === 0) ||
    (d2 === 0 && distToSegment(p2, q1, q2) === 0) ||
    (d3 === 0 && distToSegment(q1, p1, p2) === 0) ||
    (d4 === 0 && distToSegment(q2, p1, p2) === 0)
  );
}

/** Does the shape overlap the rectangle at all (not just its bounding box)? */
export function shapeIntersectsRect(shape: ToolShape, r: Rect): boolean {
  if (!rectsIntersect(shapeBounds(shape), r)) return false;
  if (shape.kind === 'box') return true;
  const pts = shape.points;
  if (pts.some((p) => pointInRect(p, r))) return true;
  const corners = rectCorners(r);
  if (corners.some((c) => pointInPolygon(c, pts))) return true;
  return pts.some((a, i) => {
    const b = pts[(i + 1) % pts.length]!;
    return corners.some((c, j) => segmentsIntersect(a, b, c, corners[(j + 1) % 4]!));
  });
}
