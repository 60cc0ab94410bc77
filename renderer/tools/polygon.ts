/**
 * The polygon tool: idle -> drawing (each click adds a vertex) -> idle + create.
 * It closes on a click near the first vertex or on Enter, once there are 3 vertices; Backspace
 * takes the last vertex back and Escape abandons the polygon.
 */
import { clampPoint, dist, polygonArea } from './geometry';
import { TOLERANCE, type Point, type Preview, type Tool, type ToolContext, type ToolEvent, type ToolIntent, type ToolResult } from './types';

export type PolygonState = { mode: 'idle' } | { mode: 'drawing'; points: Point[]; cursor: Point };

export const POLYGON_IDLE: PolygonState = { mode: 'idle' };

type Drawing = Extract<PolygonState, { mode: 'drawing' }>;

/** Is `p` on the first vertex (so a click there closes the ring)? */
const nearFirst = (s: Drawing, p: Point, ctx: ToolContext) => dist(p, s.points[0]!) * ctx.scale <= TOLERANCE.close;

function result(state: PolygonState, ctx: ToolContext, intents: ToolIntent[] = [], consumed = true): ToolResult<PolygonState> {
  const preview: Preview = {};
  let cursor = 'crosshair';
  if (state.mode === 'drawing') {
    const closing = state.points.length >= 3 && nearFirst(state, state.cursor, ctx);
    // While closable, the rubber band snaps to the first vertex so the user sees the final ring.
    preview.draft = { kind: 'polygon', points: state.points, closed: closing, cursor: closing ? state.points[0]! : state.cursor };
    if (closing) cursor = 'pointer';
  }
  return { state, intents, preview, cursor, consumed };
}

/** Close the ring, unless it is too small to see: a degenerate polygon is a mis-click, not a label. */
function close(s: Drawing, ctx: ToolContext): ToolResult<PolygonState> {
  if (s.points.length < 3 || polygonArea(s.points) * ctx.scale * ctx.scale < 1) return result(s, ctx);
  return result(POLYGON_IDLE, ctx, [{ kind: 'create', shape: { kind: 'polygon', points: s.points } }]);
}

export function polygonStep(state: PolygonState, ev: ToolEvent, ctx: ToolContext): ToolResult<PolygonState> {
  switch (ev.type) {
    case 'down': {
      if (ev.button !== 0) return result(state, ctx, [], false);
      const p = clampPoint(ev.p, ctx.image);
      if (state.mode === 'idle') return result({ mode: 'drawing', points: [p], cursor: p }, ctx);
      if (nearFirst(state, p, ctx)) return close(state, ctx); // with < 3 vertices this does nothing
      // A second click on the last vertex (a double click) would add a zero-length edge.
      if (dist(p, state.points[state.points.length - 1]!) * ctx.scale < TOLERANCE.drag) return result(state, ctx);
      return result({ mode: 'drawing', points: [...state.points, p], cursor: p }, ctx);
    }
    case 'move':
      if (state.mode === 'idle') return result(state, ctx, [], false);
      return result({ ...state, cursor: clampPoint(ev.p, ctx.image) }, ctx);
    case 'up':
      return result(state, ctx, [], state.mode === 'drawing');
    case 'key': {
      if (state.mode === 'idle') return result(state, ctx, [], false);
      if (ev.key === 'Escape') return result(POLYGON_IDLE, ctx);
      if (ev.key === 'Enter') return close(state, ctx);
      if (ev.key === 'Backspace') {
        const points = state.points.slice(0, -1);
        return result(points.length ? { ...state, points } : POLYGON_IDLE, ctx);
      }
      return result(state, ctx, [], false);
    }
    case 'cancel':
      return result(POLYGON_IDLE, ctx);
  }
}

export const polygonTool: Tool<PolygonState> = { name: 'polygon', initial: POLYGON_IDLE, step: polygonStep };
