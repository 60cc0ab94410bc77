import { describe, expect, it } from 'vitest';
import { POLYGON_IDLE, polygonTool, type PolygonState } from './polygon';
import type { Point, ToolContext, ToolEvent, ToolResult } from './types';

const down = (x: number, y: number, button = 0): ToolEvent => ({ type: 'down', p: { x, y }, button, shift: false, mod: false });
const move = (x: number, y: number): ToolEvent => ({ type: 'move', p: { x, y } });
const up = (x: number, y: number): ToolEvent => ({ type: 'up', p: { x, y } });
const key = (k: string): ToolEvent => ({ type: 'key', key: k });
const click = (x: number, y: number) => [down(x, y), up(x, y)];
const pts = (...xy: number[]): Point[] => Array.from({ length: xy.length / 2 }, (_, i) => ({ x: xy[2 * i]!, y: xy[2 * i + 1]! }));

const ctxOf = (scale = 1): ToolContext => ({ regions: [], selected: new Set(), scale, image: { width: 200, height: 100 } });

function drive(events: ToolEvent[], ctx = ctxOf()) {
  let state: PolygonState = POLYGON_IDLE;
  const results: ToolResult<PolygonState>[] = [];
  for (const ev of events) {
    const r = polygonTool.step(state, ev, ctx);
    results.push(r);
    state = r.state;
  }
  return { results, last: results[results.length - 1]!, intents: results.flatMap((r) => r.intents), state };
}
const triangle = [...click(10, 10), ...click(60, 10), ...click(10, 60)];
const created = (points: Point[]) => [{ kind: 'create', shape: { kind: 'polygon', points } }];

describe('polygon tool: drawing', () => {
  it('adds a vertex per click, with the cursor following moves in the draft', () => {
    const { last, intents } = drive([...click(10, 10), ...click(60, 10), move(40, 40)]);
    expect(last.preview.draft).toEqual({ kind: 'polygon', points: pts(10, 10, 60, 10), closed: false, cursor: { x: 40, y: 40 } });
    expect(intents).toEqual([]);
  });

  it('closes on a click near the first vertex and creates the polygon', () => {
    const { results, intents, state } = drive([...triangle, move(13, 12), ...click(13, 12)]);
    // Hovering the first vertex snaps the rubber band to it and says the next click closes.
    expect(results[6]!.preview.draft).toMatchObject({ closed: true, cursor: { x: 10, y: 10 } });
    expect(results[6]!.cursor).toBe('pointer');
    expect(intents).toEqual(created(pts(10, 10, 60, 10, 10, 60)));
    expect(state).toEqual(POLYGON_IDLE);
  });

  it('scales the closing distance with the zoom: 6 image px closes at 1x, not at 2x', () => {
    expect(drive([...triangle, ...click(16, 10)]).intents).toEqual(created(pts(10, 10, 60, 10, 10, 60)));
    const at2 = drive([...triangle, ...click(16, 10)], ctxOf(2));
    expect(at2.intents).toEqual([]);
    expect(at2.state).toMatchObject({ mode: 'drawing', points: pts(10, 10, 60, 10, 10, 60, 16, 10) });
  });

  it('closes on Enter with 3 vertices; with fewer, Enter is swallowed and nothing happens', () => {
    expect(drive([...triangle, key('Enter')]).intents).toEqual(created(pts(10, 10, 60, 10, 10, 60)));
    const two = drive([...click(10, 10), ...click(60, 10), key('Enter')]);
    expect(two.intents).toEqual([]);
    expect(two.last.consumed).toBe(true);
    expect(two.state.mode).toBe('drawing');
  });

  it('does nothing on a closing click with fewer than 3 vertices', () => {
    const { intents, state } = drive([...click(10, 10), ...click(60, 10), ...click(12, 11)]);
    expect(intents).toEqual([]);
    expect(state).toMatchObject({ points: pts(10, 10, 60, 10) });
  });

  it('clamps vertices and the cursor to the image', () => {
    const { results, intents } = drive([...click(-5, -5), ...click(250, 0), move(300, 300), ...click(100, 150), key('Enter')]);
    expect(results[4]!.preview.draft?.cursor).toEqual({ x: 200, y: 100 });
    expect(intents).toEqual(created(pts(0, 0, 200, 0, 100, 100)));
  });

  it('ignores a repeated click on the last vertex (a double click)', () => {
    expect(drive([...click(10, 10), ...click(60, 10), ...click(61, 10)]).state).toMatchObject({ points: pts(10, 10, 60, 10) });
  });

  it('refuses to close a polygon with no area', () => {
    const { intents, state } = drive([...click(10, 10), ...click(50, 10), ...click(90, 10), key('Enter')]);
    expect(intents).toEqual([]);
    expect(state.mode).toBe('drawing');
  });
});

describe('polygon tool: keys', () => {
  it('removes the last vertex on Backspace, back to idle after the first', () => {
    const { results, state } = drive([...click(10, 10), ...click(60, 10), key('Backspace'), key('Backspace'), key('Backspace')]);
    expect(results[4]!.consumed).toBe(true);
    expect(results[4]!.state).toMatchObject({ points: pts(10, 10) });
    expect(results[5]!.consumed).toBe(true);
    expect(results[5]!.state).toEqual(POLYGON_IDLE);
    expect(results[6]!.consumed).toBe(false); // no vertices: the page's shortcut may use it
    expect(state).toEqual(POLYGON_IDLE);
  });

  it('abandons the polygon on Escape, then leaves Escape to the page', () => {
    const { results, intents } = drive([...triangle, key('Escape'), key('Escape')]);
    expect(results[6]!.consumed).toBe(true);
    expect(results[6]!.preview.draft).toBeUndefined();
    expect(results[7]!.consumed).toBe(false);
    expect(intents).toEqual([]);
  });

  it('abandons on cancel and ignores other buttons', () => {
    expect(drive([...triangle, { type: 'cancel' }]).state).toEqual(POLYGON_IDLE);
    const r = drive([...click(10, 10), down(60, 60, 2)]);
    expect(r.last.consumed).toBe(false);
    expect(r.state).toMatchObject({ points: pts(10, 10) });
  });
});
