/**
 * The select tool: idle -> pointing (button down) -> dragging (moved past a few screen px) -> idle.
 *
 * What a press grabs decides the gesture: a handle of the single selected region (resize a box,
 * move or insert a polygon vertex), a region (move the selection), or empty space (marquee).
 * Pressing an unselected region selects it at once, so a drag moves what the user just clicked.
 * The drag itself is recomputed from (start, pointer) and the untouched regions on every step:
 * the preview shows overrides live, and a single `update` at release makes it one undo step.
 */
import {
  BOX_HANDLES, boundsOf, clampDelta, clampPoint, dist, handleAt, insertVertex, moveVertex, rectFromPoints,
  removeVertex, resizeBox, shapeHandles, shapeIntersectsRect, topRegionAt, translate, type BoxHandle,
} from './geometry';
import {
  TOLERANCE, type Point, type Preview, type Tool, type ToolContext, type ToolEvent, type ToolIntent,
  type ToolRegion, type ToolResult, type ToolShape,
} from './types';

type Grip = { type: 'box'; handle: BoxHandle } | { type: 'vertex'; index: number } | { type: 'mid'; index: number };

export type SelectTarget =
  | { kind: 'empty' }
  | { kind: 'region'; id: number; wasSelected: boolean }
  | { kind: 'handle'; id: number; grip: Grip; origin: Point };

interface Gesture {
  start: Point;
  pointer: Point;
  target: SelectTarget;
  additive: boolean; // Shift or Mod held at press
  /** The selection as it is after this tool's own intents (the context may lag behind them). */
  selection: number[];
}

export type SelectState =
  | { mode: 'idle'; pointer: Point | null }
  | ({ mode: 'pointing' } & Gesture)
  | ({ mode: 'dragging' } & Gesture);

export const SELECT_IDLE: SelectState = { mode: 'idle', pointer: null };

const HANDLE_CURSORS: Record<BoxHandle, string> = {
  nw: 'nwse-resize', se: 'nwse-resize', ne: 'nesw-resize', sw: 'nesw-resize',
  n: 'ns-resize', s: 'ns-resize', e: 'ew-resize', w: 'ew-resize',
};

const regionById = (ctx: ToolContext, id: number): ToolRegion | undefined => ctx.regions.find((r) => r.id === id);

/** The region whose handles show: exactly one selected, visible and unlocked (locked cannot be resized). */
function handleOwner(ctx: ToolContext, selection: readonly number[]): ToolRegion | null {
  if (selection.length !== 1) return null;
  const r = regionById(ctx, selection[0]!);
  return r && !r.hidden && !r.locked ? r : null;
}

/** Vertices win over edge midpoints, so a short edge never hides its own corners. */
function gripAt(ctx: ToolContext, selection: readonly number[], p: Point): Extract<SelectTarget, { kind: 'handle' }> | null {
  const r = handleOwner(ctx, selection);
  if (!r) return null;
  const tol = TOLERANCE.handle / ctx.scale;
  const h = shapeHandles(r.shape);
  const i = handleAt(h.points, p, tol);
  if (i >= 0) {
    const grip: Grip = r.shape.kind === 'box' ? { type: 'box', handle: BOX_HANDLES[i]! } : { type: 'vertex', index: i };
    return { kind: 'handle', id: r.id, grip, origin: h.points[i]! };
  }
  const m = h.mids ? handleAt(h.mids, p, tol) : -1;
  return m >= 0 ? { kind: 'handle', id: r.id, grip: { type: 'mid', index: m }, origin: h.mids![m]! } : null;
}

function gripCursor(g: Grip): string {
  return g.type === 'box' ? HANDLE_CURSORS[g.handle] : g.type === 'vertex' ? 'move' : 'copy';
}

/** The shapes a drag would produce right now, keyed by region id (empty for marquee / locked). */
function dragOverrides(g: Gesture, ctx: ToolContext): Map<number, ToolShape> {
  const out = new Map<number, ToolShape>();
  const t = g.target;
  const dx = g.pointer.x - g.start.x;
  const dy = g.pointer.y - g.start.y;
  if (t.kind === 'handle') {
    const r = regionById(ctx, t.id);
    if (!r) return out;
    // Move the handle by the pointer's delta (not to the pointer) so grabbing it off-centre does not jump.
    const p = clampPoint({ x: t.origin.x + dx, y: t.origin.y + dy }, ctx.image);
    if (t.grip.type === 'box' && r.shape.kind === 'box') out.set(r.id, { kind: 'box', box: resizeBox(r.shape.box, t.grip.handle, p) });
    if (t.grip.type === 'vertex' && r.shape.kind === 'polygon') out.set(r.id, { kind: 'polygon', points: moveVertex(r.shape.points, t.grip.index, p) });
    if (t.grip.type === 'mid' && r.shape.kind === 'polygon') out.set(r.id, { kind: 'polygon', points: insertVertex(r.shape.points, t.grip.index + 1, p) });
    return out;
  }
  if (t.kind !== 'region' || regionById(ctx, t.id)?.locked !== false) return out;
  const moving = g.selection.map((id) => regionById(ctx, id)).filter((r): r is ToolRegion => !!r && !r.locked && !r.hidden);
  const bounds = boundsOf(moving.map((r) => r.shape));
  if (!bounds) return out; // the regions changed under the drag
  // Clamp the group as a whole so the regions keep their relative positions at the border.
  const d = clampDelta(bounds, dx, dy, ctx.image);
  if (d.dx === 0 && d.dy === 0) return out;
  for (const r of moving) out.set(r.id, translate(r.shape, d.dx, d.dy));
  return out;
}

function sameSet(a: readonly number[], b: Iterable<number>): boolean {
  const s = new Set(b);
  return a.length === s.size && a.every((id) => s.has(id));
}

/** A select intent, or nothing when the selection would not change. */
function selectIntent(next: number[], current: Iterable<number>): ToolIntent[] {
  return sameSet(next, current) ? [] : [{ kind: 'select', ids: next }];
}

function result(state: SelectState, ctx: ToolContext, intents: ToolIntent[] = [], consumed = true): ToolResult<SelectState> {
  const preview: Preview = { hover: null };
  let cursor = 'default';
  let selection = state.mode === 'idle' ? [...ctx.selected] : state.selection;
  if (state.mode === 'idle') {
    if (state.pointer) {
      const grip = gripAt(ctx, selection, state.pointer);
      const id = topRegionAt(ctx, state.pointer, { includeLocked: true });
      preview.hover = id;
      if (grip) cursor = gripCursor(grip.grip);
      else if (id !== null && !regionById(ctx, id)?.locked) cursor = 'move';
    }
  } else {
    const t = state.target;
    if (t.kind === 'region') preview.hover = t.id;
    if (state.mode === 'dragging') {
      if (t.kind === 'empty') preview.marquee = rectFromPoints(state.start, state.pointer);
      else preview.overrides = dragOverrides(state, ctx);
    }
    if (t.kind === 'handle') cursor = gripCursor(t.grip);
    else if (t.kind === 'region') cursor = regionById(ctx, t.id)?.locked ? (state.mode === 'dragging' ? 'not-allowed' : 'default') : 'move';
    else if (state.mode === 'dragging') cursor = 'crosshair';
  }
  // Handles reflect this step's own intents, since the context only catches up on a later step.
  for (const i of intents) {
    if (i.kind === 'select') selection = i.ids;
    if (i.kind === 'delete') selection = selection.filter((id) => !i.ids.includes(id));
  }
  const owner = handleOwner(ctx, selection);
  if (owner) preview.handles = { id: owner.id, ...shapeHandles(preview.overrides?.get(owner.id) ?? owner.shape) };
  return { state, intents, preview, cursor, consumed };
}

function press(ev: Extract<ToolEvent, { type: 'down' }>, ctx: ToolContext): ToolResult<SelectState> {
  const additive = ev.shift || ev.mod;
  const current = [...ctx.selected];
  const base = { start: ev.p, pointer: ev.p, additive };
  // Modifiers mean "change the selection", so they skip handles and act on the region beneath.
  const grip = additive ? null : gripAt(ctx, current, ev.p);
  if (grip) return result({ mode: 'pointing', ...base, target: grip, selection: current }, ctx);
  const id = topRegionAt(ctx, ev.p, { includeLocked: true });
  if (id === null) return result({ mode: 'pointing', ...base, target: { kind: 'empty' }, selection: current }, ctx);
  const wasSelected = ctx.selected.has(id);
  // An unselected region is selected on press; a selected one may still be the start of a group drag,
  // so narrowing or toggling it waits for the release.
  const selection = wasSelected ? current : additive ? [...current, id] : [id];
  return result({ mode: 'pointing', ...base, target: { kind: 'region', id, wasSelected }, selection }, ctx, selectIntent(selection, current));
}

/** Release without a drag. */
function click(g: Gesture): ToolIntent[] {
  const t = g.target;
  if (t.kind === 'empty') return g.additive ? [] : selectIntent([], g.selection);
  if (t.kind === 'region' && t.wasSelected) {
    const next = g.additive ? g.selection.filter((id) => id !== t.id) : [t.id];
    return selectIntent(next, g.selection);
  }
  return [];
}

/** Release after a drag. */
function commit(g: Gesture, ctx: ToolContext): ToolIntent[] {
  if (g.target.kind === 'empty') {
    const box = rectFromPoints(g.start, g.pointer);
    const hits = ctx.regions.filter((r) => !r.hidden && shapeIntersectsRect(r.shape, box)).map((r) => r.id);
    const next = g.additive ? [...new Set([...g.selection, ...hits])] : hits;
    return selectIntent(next, g.selection);
  }
  const changes = [...dragOverrides(g, ctx)].map(([id, shape]) => ({ id, shape }));
  return changes.length ? [{ kind: 'update', changes }] : [];
}

function key(state: SelectState, k: string, ctx: ToolContext): ToolResult<SelectState> {
  const idle: SelectState = { mode: 'idle', pointer: state.pointer };
  if (k === 'Escape') {
    if (state.mode !== 'idle') return result(idle, ctx); // abandon: overrides vanish, no intent
    return ctx.selected.size ? result(state, ctx, [{ kind: 'select', ids: [] }]) : result(state, ctx, [], false);
  }
  if (k === 'Delete' || k === 'Backspace') {
    // Mid-gesture the key is swallowed, so the page cannot delete what is being dragged.
    if (state.mode !== 'idle') return result(state, ctx);
    if (!ctx.selected.size) return result(state, ctx, [], false);
    // Over a vertex of the selected polygon, the key removes that vertex (down to three), not the polygon.
    const grip = state.pointer ? gripAt(ctx, [...ctx.selected], state.pointer) : null;
    if (grip?.grip.type === 'vertex') {
      const r = regionById(ctx, grip.id);
      if (r?.shape.kind !== 'polygon' || r.shape.points.length <= 3) return result(state, ctx);
      return result(state, ctx, [{ kind: 'update', changes: [{ id: r.id, shape: { kind: 'polygon', points: removeVertex(r.shape.points, grip.grip.index) } }] }]);
    }
    const ids = ctx.regions.filter((r) => ctx.selected.has(r.id) && !r.locked).map((r) => r.id);
    return result(state, ctx, ids.length ? [{ kind: 'delete', ids }] : []);
  }
  return result(state, ctx, [], false);
}

export function selectStep(state: SelectState, ev: ToolEvent, ctx: ToolContext): ToolResult<SelectState> {
  switch (ev.type) {
    case 'down':
      // Middle (pan) and right (context menu) buttons belong to the canvas.
      return ev.button === 0 ? press(ev, ctx) : result(state, ctx, [], false);
    case 'move':
      if (state.mode === 'idle') return result({ mode: 'idle', pointer: ev.p }, ctx);
      if (state.mode === 'pointing' && dist(ev.p, state.start) * ctx.scale < TOLERANCE.drag) {
        return result({ ...state, pointer: ev.p }, ctx);
      }
      return result({ ...state, mode: 'dragging', pointer: ev.p }, ctx);
    case 'up': {
      if (state.mode === 'idle') return result(state, ctx, [], false);
      const g = { ...state, pointer: ev.p };
      // A release far from the press is a drag even if no move event came in between.
      const dragged = state.mode === 'dragging' || dist(ev.p, state.start) * ctx.scale >= TOLERANCE.drag;
      const intents = dragged ? commit(g, ctx) : click(g);
      return result({ mode: 'idle', pointer: ev.p }, ctx, intents);
    }
    case 'key':
      return key(state, ev.key, ctx);
    case 'cancel':
      return result(SELECT_IDLE, ctx);
  }
}

export const selectTool: Tool<SelectState> = { name: 'select', initial: SELECT_IDLE, step: selectStep };
