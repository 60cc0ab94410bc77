import { describe, expect, it } from 'vitest';
import { SELECT_IDLE, selectTool, type SelectState } from './select';
import type { Point, ToolContext, ToolEvent, ToolIntent, ToolRegion, ToolResult, ToolShape } from './types';

const box = (x: number, y: number, w: number, h: number): ToolShape => ({ kind: 'box', box: { x, y, w, h } });
const tri: ToolShape = { kind: 'polygon', points: [{ x: 100, y: 100 }, { x: 140, y: 100 }, { x: 100, y: 140 }] };
const region = (id: number, shape: ToolShape, extra: Partial<ToolRegion> = {}): ToolRegion => ({ id, shape, locked: false, hidden: false, ...extra });

const down = (x: number, y: number, m: { shift?: boolean; mod?: boolean; button?: number } = {}): ToolEvent => ({
  type: 'down', p: { x, y }, button: m.button ?? 0, shift: !!m.shift, mod: !!m.mod,
});
const move = (x: number, y: number): ToolEvent => ({ type: 'move', p: { x, y } });
const up = (x: number, y: number): ToolEvent => ({ type: 'up', p: { x, y } });
const key = (k: string): ToolEvent => ({ type: 'key', key: k });

/** A scene: A (box 10..50), B (box 60..80), T (triangle), on a 200x160 image at 1x. */
function ctxOf(selected: number[] = [], regions?: ToolRegion[], scale = 1): ToolContext {
  return {
    regions: regions ?? [region(1, box(10, 10, 40, 40)), region(2, box(60, 10, 20, 20)), region(3, tri)],
    selected: new Set(selected),
    scale,
    image: { width: 200, height: 160 },
  };
}

/**
 * Drive the tool like the canvas does: each result's state feeds the next step, and select
 * intents are applied to the context (the page owns the selection).
 */
function drive(ctx: ToolContext, events: ToolEvent[], state: SelectState = SELECT_IDLE) {
  const results: ToolResult<SelectState>[] = [];
  for (const ev of events) {
    const r = selectTool.step(state, ev, ctx);
    results.push(r);
    state = r.state;
    for (const i of r.intents) if (i.kind === 'select') ctx = { ...ctx, selected: new Set(i.ids) };
  }
  const intents: ToolIntent[] = results.flatMap((r) => r.intents);
  return { results, last: results[results.length - 1]!, intents, state, ctx };
}
const click = (x: number, y: number, m: { shift?: boolean; mod?: boolean } = {}) => [down(x, y, m), up(x, y)];

describe('select tool: clicking', () => {
  it('selects the clicked region', () => {
    const { intents, ctx } = drive(ctxOf(), click(20, 20));
    expect(intents).toEqual([{ kind: 'select', ids: [1] }]);
    expect([...ctx.selected]).toEqual([1]);
  });

  it('selects the topmost of overlapping regions', () => {
    const regions = [region(1, box(0, 0, 100, 100)), region(2, box(20, 20, 10, 10))];
    expect(drive(ctxOf([], regions), click(25, 25)).intents).toEqual([{ kind: 'select', ids: [2] }]);
  });

  it('toggles with Shift or Mod: adds on press, removes a selected one on release', () => {
    expect(drive(ctxOf([1]), click(65, 15, { shift: true })).intents).toEqual([{ kind: 'select', ids: [1, 2] }]);
    expect(drive(ctxOf([1, 2]), click(65, 15, { mod: true })).intents).toEqual([{ kind: 'select', ids: [1] }]);
  });

  it('narrows a multi-selection to the clicked region on release', () => {
    const { results, intents } = drive(ctxOf([1, 2]), click(20, 20));
    expect(results[0]!.intents).toEqual([]); // the press may still become a group drag
    expect(intents).toEqual([{ kind: 'select', ids: [1] }]);
  });

  it('clears the selection on a click in empty space, but not with Shift', () => {
    expect(drive(ctxOf([1, 2]), click(190, 150)).intents).toEqual([{ kind: 'select', ids: [] }]);
    expect(drive(ctxOf([1, 2]), click(190, 150, { shift: true })).intents).toEqual([]);
    expect(drive(ctxOf([]), click(190, 150)).intents).toEqual([]); // nothing to clear
  });

  it('does not hit hidden regions', () => {
    const regions = [region(1, box(0, 0, 100, 100)), region(2, box(20, 20, 10, 10), { hidden: true })];
    expect(drive(ctxOf([], regions), click(25, 25)).intents).toEqual([{ kind: 'select', ids: [1] }]);
    expect(drive(ctxOf([5], [region(5, box(0, 0, 10, 10), { hidden: true })]), click(5, 5)).intents).toEqual([{ kind: 'select', ids: [] }]);
  });

  it('treats movement under 3 screen px as a click, whatever the zoom', () => {
    // At 4x, 0.5 image px is 2 screen px: still a click, so nothing moves.
    const small = drive(ctxOf([1], undefined, 4), [down(20, 20), move(20.5, 20), up(20.5, 20)]);
    expect(small.intents).toEqual([]);
    expect(small.results[1]!.preview.overrides).toBeUndefined();
    // At 4x, 1 image px is 4 screen px: a drag.
    const big = drive(ctxOf([1], undefined, 4), [down(20, 20), move(21, 20), up(21, 20)]);
    expect(big.intents).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(11, 10, 40, 40) }] }]);
  });

  it('shows the hovered region and a move cursor while idle', () => {
    const r = drive(ctxOf(), [move(65, 15)]).last;
    expect(r.preview.hover).toBe(2);
    expect(r.cursor).toBe('move');
    expect(drive(ctxOf(), [move(190, 150)]).last.preview.hover).toBeNull();
  });

  it('leaves other buttons and unknown keys to the canvas', () => {
    const r = drive(ctxOf([1]), [down(20, 20, { button: 2 })]).last;
    expect(r.consumed).toBe(false);
    expect(r.intents).toEqual([]);
    expect(drive(ctxOf([1]), [key('a')]).last.consumed).toBe(false);
  });
});

describe('select tool: moving', () => {
  it('moves a just-clicked region with live overrides and one update at release', () => {
    const { results, intents } = drive(ctxOf([2]), [down(20, 20), move(25, 20), move(30, 25), up(30, 25)]);
    expect(results[0]!.intents).toEqual([{ kind: 'select', ids: [1] }]);
    expect(results[1]!.preview.overrides?.get(1)).toEqual(box(15, 10, 40, 40));
    expect(results[2]!.preview.overrides?.get(1)).toEqual(box(20, 15, 40, 40));
    expect(results[2]!.intents).toEqual([]);
    expect(results[3]!.preview.overrides).toBeUndefined();
    expect(intents.filter((i) => i.kind === 'update')).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(20, 15, 40, 40) }] }]);
  });

  it('moves every selected unlocked region together, leaving locked ones', () => {
    const regions = [region(1, box(10, 10, 40, 40)), region(2, box(60, 10, 20, 20)), region(3, tri, { locked: true })];
    const { intents } = drive(ctxOf([1, 2, 3], regions), [down(65, 15), move(75, 20), up(75, 20)]);
    expect(intents).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(20, 15, 40, 40) }, { id: 2, shape: box(70, 15, 20, 20) }] }]);
  });

  it('stops the group at the image border, keeping its layout', () => {
    // Selection spans x 10..80 in a 200 px image: at most 120 px to the right.
    const { intents } = drive(ctxOf([1, 2], [region(1, box(10, 10, 40, 40)), region(2, box(60, 10, 20, 20))]), [down(20, 20), move(500, 0), up(500, 0)]);
    expect(intents).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(130, 0, 40, 40) }, { id: 2, shape: box(180, 0, 20, 20) }] }]);
  });

  it('selects a locked region but never moves it', () => {
    const regions = [region(1, box(10, 10, 40, 40), { locked: true })];
    const { results, intents } = drive(ctxOf([], regions), [down(20, 20), move(40, 40), up(40, 40)]);
    expect(intents).toEqual([{ kind: 'select', ids: [1] }]);
    expect(results[1]!.preview.overrides?.size ?? 0).toBe(0);
    expect(results[1]!.cursor).toBe('not-allowed');
  });

  it('abandons a drag on Escape: the shape returns and no intent follows', () => {
    const { results, intents, state } = drive(ctxOf([1]), [down(20, 20), move(40, 40), key('Escape'), move(50, 50), up(50, 50)]);
    expect(results[1]!.preview.overrides?.get(1)).toEqual(box(30, 30, 40, 40));
    expect(results[2]!.consumed).toBe(true);
    expect(results[2]!.preview.overrides).toBeUndefined();
    expect(intents).toEqual([]);
    expect(state.mode).toBe('idle');
  });

  it('abandons a drag on cancel', () => {
    const { intents, state } = drive(ctxOf([1]), [down(20, 20), move(40, 40), { type: 'cancel' }, up(40, 40)]);
    expect(intents).toEqual([]);
    expect(state).toEqual(SELECT_IDLE);
  });

  it('treats a release far from the press as a drag even without move events', () => {
    expect(drive(ctxOf([1]), [down(20, 20), up(30, 20)]).intents).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(20, 10, 40, 40) }] }]);
  });
});

describe('select tool: marquee', () => {
  it('draws a marquee from empty space and selects the regions it touches', () => {
    const { results, intents } = drive(ctxOf([2]), [down(5, 5), move(55, 55), up(55, 55)]);
    expect(results[1]!.preview.marquee).toEqual({ x: 5, y: 5, w: 50, h: 50 });
    expect(results[1]!.cursor).toBe('crosshair');
    expect(intents).toEqual([{ kind: 'select', ids: [1] }]);
  });

  it('tests polygons exactly: a marquee in the empty corner of the triangle misses it', () => {
    expect(drive(ctxOf([]), [down(130, 130), move(150, 150), up(150, 150)]).intents).toEqual([]);
    expect(drive(ctxOf([]), [down(90, 90), move(150, 150), up(150, 150)]).intents).toEqual([{ kind: 'select', ids: [3] }]);
  });

  it('adds to the selection with Shift', () => {
    const { intents } = drive(ctxOf([3]), [down(5, 5, { shift: true }), move(70, 20), up(70, 20)]);
    expect(intents).toEqual([{ kind: 'select', ids: [3, 1, 2] }]);
  });

  it('selects locked regions but skips hidden ones', () => {
    const regions = [region(1, box(10, 10, 10, 10), { locked: true }), region(2, box(30, 10, 10, 10), { hidden: true })];
    expect(drive(ctxOf([], regions), [down(0, 0), move(50, 50), up(50, 50)]).intents).toEqual([{ kind: 'select', ids: [1] }]);
  });
});

describe('select tool: handles', () => {
  it('shows 8 handles for a single selected box, none for several or a locked one', () => {
    expect(drive(ctxOf([1]), [move(190, 150)]).last.preview.handles?.points).toHaveLength(8);
    expect(drive(ctxOf([1, 2]), [move(190, 150)]).last.preview.handles).toBeUndefined();
    const locked = [region(1, box(10, 10, 40, 40), { locked: true })];
    expect(drive(ctxOf([1], locked), [move(190, 150)]).last.preview.handles).toBeUndefined();
  });

  it('shows the handles of a region as soon as a press selects it', () => {
    expect(drive(ctxOf([]), [down(20, 20)]).last.preview.handles?.id).toBe(1);
  });

  it('resizes a box by a corner handle, with a resize cursor', () => {
    const { results, intents } = drive(ctxOf([1]), [move(51, 51), down(51, 51), move(61, 71), up(61, 71)]);
    expect(results[0]!.cursor).toBe('nwse-resize');
    expect(results[2]!.preview.overrides?.get(1)).toEqual(box(10, 10, 50, 60));
    expect(results[2]!.preview.handles?.points[4]).toEqual({ x: 60, y: 70 }); // handles follow the drag
    expect(intents).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(10, 10, 50, 60) }] }]);
  });

  it('flips a box dragged past its opposite side and clamps the handle to the image', () => {
    expect(drive(ctxOf([1]), [down(50, 30), move(0, 30), up(0, 30)]).intents).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(0, 10, 10, 40) }] }]);
    expect(drive(ctxOf([1]), [down(50, 50), move(300, 300), up(300, 300)]).intents).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(10, 10, 190, 150) }] }]);
  });

  it('grabs handles within a tolerance that scales with the zoom', () => {
    // 5 image px from the east handle: grabbed at 1x (5 screen px), missed at 2x (10 screen px) -> a move.
    const at1 = drive(ctxOf([1]), [down(55, 30), move(59, 30), up(59, 30)]).intents;
    expect(at1).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(10, 10, 44, 40) }] }]);
    const at2 = drive(ctxOf([1], undefined, 2), [down(55, 30), move(59, 30), up(59, 30)]).intents;
    expect(at2).toEqual([{ kind: 'select', ids: [] }]); // empty space at 2x: a marquee touching nothing
  });

  it('moves a polygon vertex', () => {
    const { results, intents } = drive(ctxOf([3]), [down(140, 100), move(150, 95), up(150, 95)]);
    expect(results[0]!.preview.handles).toMatchObject({ id: 3, points: tri.kind === 'polygon' ? tri.points : [] });
    expect(intents).toEqual([{ kind: 'update', changes: [{ id: 3, shape: { kind: 'polygon', points: [{ x: 100, y: 100 }, { x: 150, y: 95 }, { x: 100, y: 140 }] } }] }]);
  });

  it('inserts a vertex at an edge midpoint and drags it', () => {
    const { results, intents } = drive(ctxOf([3]), [move(120, 100), down(120, 100), move(120, 90), up(120, 90)]);
    expect(results[0]!.preview.handles?.mids?.[0]).toEqual({ x: 120, y: 100 });
    expect(results[2]!.preview.handles?.points).toHaveLength(4);
    const points: Point[] = [{ x: 100, y: 100 }, { x: 120, y: 90 }, { x: 140, y: 100 }, { x: 100, y: 140 }];
    expect(intents).toEqual([{ kind: 'update', changes: [{ id: 3, shape: { kind: 'polygon', points } }] }]);
  });

  it('does nothing on a click on a handle without movement', () => {
    expect(drive(ctxOf([3]), click(120, 100)).intents).toEqual([]);
  });
});

describe('select tool: keys', () => {
  it('deletes the selection on Delete or Backspace, excluding locked regions', () => {
    const regions = [region(1, box(10, 10, 40, 40)), region(2, box(60, 10, 20, 20), { locked: true }), region(3, tri)];
    expect(drive(ctxOf([1, 2, 3], regions), [key('Delete')]).intents).toEqual([{ kind: 'delete', ids: [1, 3] }]);
    const r = drive(ctxOf([2], regions), [key('Backspace')]).last;
    expect(r.intents).toEqual([]);
    expect(r.consumed).toBe(true);
  });

  it('leaves Delete to the page when nothing is selected, and swallows it mid-drag', () => {
    expect(drive(ctxOf([]), [key('Delete')]).last.consumed).toBe(false);
    const mid = drive(ctxOf([1]), [down(20, 20), move(30, 30), key('Delete'), up(30, 30)]);
    expect(mid.results[2]!.consumed).toBe(true);
    expect(mid.intents).toEqual([{ kind: 'update', changes: [{ id: 1, shape: box(20, 20, 40, 40) }] }]);
  });

  it('removes the hovered vertex of the selected polygon on Delete, never below three vertices', () => {
    const quad: ToolShape = { kind: 'polygon', points: [{ x: 100, y: 100 }, { x: 140, y: 100 }, { x: 140, y: 140 }, { x: 100, y: 140 }] };
    const r = drive(ctxOf([3], [region(3, quad)]), [move(140, 101), key('Delete')]).last;
    expect(r.intents).toEqual([{ kind: 'update', changes: [{ id: 3, shape: { kind: 'polygon', points: [{ x: 100, y: 100 }, { x: 140, y: 140 }, { x: 100, y: 140 }] } }] }]);
    // A triangle keeps its vertices; the key is used up, so the page does not delete the polygon.
    const t = drive(ctxOf([3]), [move(140, 100), key('Delete')]).last;
    expect(t.intents).toEqual([]);
    expect(t.consumed).toBe(true);
    // Away from the vertices Delete removes the polygon itself.
    expect(drive(ctxOf([3], [region(3, quad)]), [move(120, 120), key('Delete')]).last.intents).toEqual([{ kind: 'delete', ids: [3] }]);
  });

  it('clears the selection on Escape when idle, and leaves Escape to the page with none', () => {
    const r = drive(ctxOf([1, 2]), [key('Escape')]).last;
    expect(r.intents).toEqual([{ kind: 'select', ids: [] }]);
    expect(r.preview.handles).toBeUndefined();
    expect(drive(ctxOf([]), [key('Escape')]).last.consumed).toBe(false);
  });
});

it('never mutates the context or the state it is given', () => {
  const ctx = ctxOf([1]);
  const snapshot = structuredClone({ regions: ctx.regions, selected: [...ctx.selected] });
  const s0 = selectTool.step(SELECT_IDLE, down(20, 20), ctx).state;
  const s0copy = structuredClone(s0);
  const s1 = selectTool.step(s0, move(40, 40), ctx).state;
  selectTool.step(s1, up(40, 40), ctx);
  expect(s0).toEqual(s0copy);
  expect({ regions: ctx.regions, selected: [...ctx.selected] }).toEqual(snapshot);
});
