/**
 * Regions travel between the core and the canvas in two coordinate systems: the core stores
 * geometry normalized to [0, 1] of the upright image (so it survives resizing and exports), the
 * tools work in image pixels (so tolerances and nudges are in pixels). These convert one way and
 * back, clamping to the image so a shape can never leave it.
 */
import type { BoxGeometry, PolygonGeometry, Region } from '../../src/api/types';
import type { Point, ToolShape } from '../tools/types';

export interface ImageSize {
  width: number;
  height: number;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

export function isBox(g: BoxGeometry | PolygonGeometry): g is BoxGeometry {
  return (g as BoxGeometry).w !== undefined;
}

/** A stored region in image pixels. */
export function toToolShape(region: Pick<Region, 'geometry'>, size: ImageSize): ToolShape {
  const g = region.geometry;
  if (isBox(g)) return { kind: 'box', box: { x: g.x * size.width, y: g.y * size.height, w: g.w * size.width, h: g.h * size.height } };
  return { kind: 'polygon', points: g.points.map(([x, y]) => ({ x: x * size.width, y: y * size.height })) };
}

/** A tool's shape as stored geometry: normalized, clamped to the image, rounded to 1e-6 (sub-pixel on any real image). */
export function toGeometry(shape: ToolShape, size: ImageSize): { kind: 'box'; geometry: BoxGeometry } | { kind: 'polygon'; geometry: PolygonGeometry } {
  const r = (v: number) => Math.round(v * 1e6) / 1e6;
  if (shape.kind === 'box') {
    const x0 = clamp01(shape.box.x / size.width);
    const y0 = clamp01(shape.box.y / size.height);
    const x1 = clamp01((shape.box.x + shape.box.w) / size.width);
    const y1 = clamp01((shape.box.y + shape.box.h) / size.height);
    const x = r(x0);
    const y = r(y0);
    return { kind: 'box', geometry: { x, y, w: Math.max(1e-6, Math.min(1 - x, r(x1 - x0))), h: Math.max(1e-6, Math.min(1 - y, r(y1 - y0))) } };
  }
  return { kind: 'polygon', geometry: { points: shape.points.map((p: Point) => [r(clamp01(p.x / size.width)), r(clamp01(p.y / size.height))] as [number, number]) } };
}
