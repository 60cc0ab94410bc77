import { describe, expect, it } from 'vitest';
import {
  boundsOf, boxHandles, clampPoint, distToBoxEdges, distToPolygonEdges, hitShape, insertVertex, moveShape, moveVertex,
  nudge, pointInPolygon, polygonMids, rectFromPoints, removeVertex, resizeBox, shapeIntersectsRect, topRegionAt,
} from './geometry';
import type { ToolContext, ToolRegion, ToolShape } from './types';

const image = { width: 100, height: 80 };
const box = (x: number, y: number, w: number, h: number): ToolShape => ({ kind: 'box', box: { x, y, w, h } });
const poly = (...xy: number[]): ToolShape => ({
  kind: 'polygon',
  points: Array.from({ length: xy.length / 2 }, (_, i) => ({ x: xy[2 * i]!, y: xy[2 * i + 1]! })),
});
const region = (id: number, shape: ToolShape, extra: Partial<ToolRegion> = {}): ToolRegion => ({ id, shape, locked: false, hidden: false, ...extra });
const ctxOf = (regions: ToolRegion[], scale = 1): ToolContext => ({ regions, selected: new Set(), scale, image });

describe('hit testing', () => {
  it('uses the even-odd rule: the centre of a pentagram is outside', () => {
    // Five points of a star, drawn by skipping every other vertex.
    const star = [0, 2, 4, 1, 3].map((k) => {
      const a = (k * 2 * Math.PI) / 5 - Math.PI / 2;
      return { x: 50 + 40 * Math.cos(a), y: 40 + 40 * Math.sin(a) };
    });
    expect(pointInPolygon({ x: 50, y: 40 }, star)).toBe(false);
    expect(pointInPolygon({ x: 50, y: 5 }, star)).toBe(true); // inside the top spike
  });

  it('measures distance to box and polygon edges', () => {
    expect(distToBoxEdges({ x: 15, y: 12 }, { x: 10, y: 10, w: 20, h: 20 })).toBe(2);
    expect(distToBoxEdges({ x: 5, y: 20 }, { x: 10, y: 10, w: 20, h: 20 })).toBe(5);
    const tri = poly(0, 0, 10, 0, 0, 10);
    expect(distToPolygonEdges({ x: 5, y: -3 }, tri.kind === 'polygon' ? tri.points : [])).toBe(3);
  });

  it('hits a shape inside or within the tolerance of its outline', () => {
    expect(hitShape(box(10, 10, 20, 20), { x: 20, y: 20 }, 0)).toBe(true);
    expect(hitShape(box(10, 10, 20, 20), { x: 7, y: 20 }, 2)).toBe(false);
    expect(hitShape(box(10, 10, 20, 20), { x: 7, y: 20 }, 3)).toBe(true);
  });

  it('finds the topmost visible unlocked region, locked ones only on request', () => {
    const regions = [region(1, box(0, 0, 50, 50)), region(2, box(10, 10, 20, 20)), region(3, box(10, 10, 20, 20), { hidden: true })];
    expect(topRegionAt(ctxOf(regions), { x: 15, y: 15 })).toBe(2);
    expect(topRegionAt(ctxOf(regions), { x: 40, y: 40 })).toBe(1);
    expect(topRegionAt(ctxOf(regions), { x: 70, y: 70 })).toBeNull();
    const locked = [region(1, box(0, 0, 50, 50)), region(2, box(10, 10, 20, 20), { locked: true })];
    expect(topRegionAt(ctxOf(locked), { x: 15, y: 15 })).toBe(1);
    expect(topRegionAt(ctxOf(locked), { x: 15, y: 15 }, { includeLocked: true })).toBe(2);
  });

  it('scales the tolerance with the zoom: 3 image px off an edge is near at 1x, far at 2x', () => {
    const regions = [region(1, box(10, 10, 20, 20))];
    expect(topRegionAt(ctxOf(regions, 1), { x: 33, y: 20 })).toBe(1);
    expect(topRegionAt(ctxOf(regions, 2), { x: 33, y: 20 })).toBeNull();
  });
});

describe('handles', () => {
  it('gives a box 8 handles, corners and edge midpoints clockwise from the top-left', () => {
    expect(boxHandles({ x: 0, y: 0, w: 10, h: 20 })).toEqual([
      { x: 0, y: 0 }, { x: 5, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 },
      { x: 10, y: 20 }, { x: 5, y: 20 }, { x: 0, y: 20 }, { x: 0, y: 10 },
    ]);
  });

  it('gives a polygon one midpoint per edge, including the closing edge', () => {
    const p = poly(0, 0, 10, 0, 10, 10);
    expect(polygonMids(p.kind === 'polygon' ? p.points : [])).toEqual([{ x: 5, y: 0 }, { x: 10, y: 5 }, { x: 5, y: 5 }]);
  });

  it('resizes a box by a handle and normalizes past the opposite side', () => {
    const r = { x: 10, y: 10, w: 20, h: 20 };
    expect(resizeBox(r, 'se', { x: 40, y: 50 })).toEqual({ x: 10, y: 10, w: 30, h: 40 });
    expect(resizeBox(r, 'e', { x: 40, y: 99 })).toEqual({ x: 10, y: 10, w: 30, h: 20 });
    expect(resizeBox(r, 'e', { x: 4, y: 0 })).toEqual({ x: 4, y: 10, w: 6, h: 20 });
    expect(resizeBox(r, 'nw', { x: 35, y: 40 })).toEqual({ x: 30, y: 30, w: 5, h: 10 });
  });
});

describe('moving and clamping', () => {
  it('clamps points to the image and spans rects from any two corners', () => {
    expect(clampPoint({ x: -5, y: 90 }, image)).toEqual({ x: 0, y: 80 });
    expect(rectFromPoints({ x: 30, y: 5 }, { x: 10, y: 25 })).toEqual({ x: 10, y: 5, w: 20, h: 20 });
  });

  it('moves a shape but stops it at the image border', () => {
    expect(moveShape(box(10, 10, 20, 20), 5, -3, image)).toEqual(box(15, 7, 20, 20));
    expect(moveShape(box(10, 10, 20, 20), 500, -50, image)).toEqual(box(80, 0, 20, 20));
    expect(moveShape(poly(5, 5, 20, 5, 10, 15), -10, 0, image)).toEqual(poly(0, 5, 15, 5, 5, 15));
    expect(nudge(box(79, 0, 20, 20), 1, 0, image)).toEqual(box(80, 0, 20, 20));
    expect(nudge(box(80, 0, 20, 20), 1, 0, image)).toEqual(box(80, 0, 20, 20));
  });

  it('never pushes a shape that is already partly outside further out', () => {
    expect(moveShape(box(-5, 10, 20, 20), -3, 0, image)).toEqual(box(-5, 10, 20, 20));
    expect(moveShape(box(-5, 10, 20, 20), 3, 0, image)).toEqual(box(-2, 10, 20, 20));
  });

  it('bounds several shapes for zoom-to-selection', () => {
    expect(boundsOf([box(10, 10, 5, 5), poly(30, 2, 40, 8, 35, 20)])).toEqual({ x: 10, y: 2, w: 30, h: 18 });
    expect(boundsOf([])).toBeNull();
  });
});

describe('polygon edits', () => {
  const tri = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 10 }];

  it('moves, inserts and removes vertices without touching the input', () => {
    Object.freeze(tri);
    expect(moveVertex(tri, 1, { x: 12, y: 1 })).toEqual([{ x: 0, y: 0 }, { x: 12, y: 1 }, { x: 0, y: 10 }]);
    const quad = insertVertex(tri, 1, { x: 5, y: -2 });
    expect(quad).toEqual([{ x: 0, y: 0 }, { x: 5, y: -2 }, { x: 10, y: 0 }, { x: 0, y: 10 }]);
    expect(removeVertex(quad, 1)).toEqual(tri);
    expect(tri).toHaveLength(3);
  });

  it('never removes a vertex below 3', () => {
    expect(removeVertex(tri, 0)).toEqual(tri);
  });
});

describe('marquee intersection', () => {
  const tri = poly(0, 0, 40, 0, 0, 40);

  it('tests the polygon itself, not just its bounding box', () => {
    expect(shapeIntersectsRect(tri, { x: 30, y: 30, w: 5, h: 5 })).toBe(false); // in the bbox, off the triangle
    expect(shapeIntersectsRect(tri, { x: 5, y: 5, w: 5, h: 5 })).toBe(true); // wholly inside
    expect(shapeIntersectsRect(tri, { x: 15, y: -5, w: 2, h: 50 })).toBe(true); // crosses, no vertex inside
    expect(shapeIntersectsRect(box(10, 10, 5, 5), { x: 14, y: 14, w: 10, h: 10 })).toBe(true);
    expect(shapeIntersectsRect(box(10, 10, 5, 5), { x: 16, y: 14, w: 10, h: 10 })).toBe(false);
  });
});
