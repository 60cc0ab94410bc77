import { describe, expect, it } from 'vitest';
import { BOX_IDLE, boxTool, type BoxState } from './box';
import type { ToolContext, ToolEvent, ToolResult } from './types';

const down = (x: number, y: number, button = 0): ToolEvent => ({ type: 'down', p: { x, y }, button, shift: false, mod: false });
const move = (x: number, y: number): ToolEvent => ({ type: 'move', p: { x, y } });
const up = (x: number, y: number): ToolEvent => ({ type: 'up', p: { x, y } });
const key = (k: string): ToolEvent => ({ type: 'key', key: k });

const ctxOf = (scale = 1): ToolContext => ({ regions: [], selected: new Set(), scale, image: { width: 200, height: 100 } });

function drive(events: ToolEvent[], ctx = ctxOf()) {
  let state: BoxState = BOX_IDLE;
  const results: ToolResult<BoxState>[] = [];
  for (const ev of events) {
    const r = boxTool.step(state, ev, ctx);
    results.push(r);
    state = r.state;
  }
  return { results, last: results[results.length - 1]!, intents: results.flatMap((r) => r.intents), state };
}
const created = (x: number, y: number, w: number, h: number) => [{ kind: 'create', shape: { kind: 'box', box: { x, y, w, h } } }];

describe('box tool: drag', () => {
  it('creates a box at release, previewing it while dragging', () => {
    const { results, intents, state } = drive([down(10, 20), move(30, 40), move(50, 60), up(50, 60)]);
    expect(results[1]!.preview.draft).toMatchObject({ kind: 'box', box: { x: 10, y: 20, w: 20, h: 20 } });
    expect(results[2]!.intents).toEqual([]);
    expect(intents).toEqual(created(10, 20, 40, 40));
    expect(state).toEqual(BOX_IDLE);
    expect(results[3]!.preview.draft).toBeUndefined();
    expect(results[0]!.cursor).toBe('crosshair');
  });

  it('normalizes a drag from the bottom-right to the top-left', () => {
    expect(drive([down(50, 60), move(10, 20), up(10, 20)]).intents).toEqual(created(10, 20, 40, 40));
  });

  it('clamps both corners to the image', () => {
    expect(drive([down(-10, -5), move(300, 300), up(300, 300)]).intents).toEqual(created(0, 0, 200, 100));
  });

  it('treats a box under 4 screen px on a side as a click, at any zoom', () => {
    // 3 image px tall: 3 screen px at 1x (a click), 6 at 2x (a box).
    expect(drive([down(10, 10), move(50, 13), up(50, 13)]).intents).toEqual([]);
    expect(drive([down(10, 10), move(50, 13), up(50, 13)], ctxOf(2)).intents).toEqual(created(10, 10, 40, 3));
  });
});

describe('box tool: two clicks', () => {
  it('sets the first corner with a click, follows the pointer, creates on the second click', () => {
    const { results, intents } = drive([down(10, 10), up(10, 10), move(30, 25), move(60, 50), down(60, 50), up(60, 50)]);
    expect(results[1]!.state.mode).toBe('anchored');
    expect(results[1]!.intents).toEqual([]);
    expect(results[2]!.preview.draft).toMatchObject({ kind: 'box', box: { x: 10, y: 10, w: 20, h: 15 }, cursor: { x: 30, y: 25 } });
    expect(results[3]!.preview.draft).toMatchObject({ box: { x: 10, y: 10, w: 50, h: 40 } });
    expect(intents).toEqual(created(10, 10, 50, 40));
  });

  it('clamps the second corner to the image', () => {
    expect(drive([down(150, 50), up(150, 50), move(250, 150), down(250, 150), up(250, 150)]).intents).toEqual(created(150, 50, 50, 50));
  });

  it('ignores a second click on the first corner and keeps waiting', () => {
    const { intents, state } = drive([down(10, 10), up(10, 10), down(11, 10), up(11, 10)]);
    expect(intents).toEqual([]);
    expect(state).toMatchObject({ mode: 'anchored', start: { x: 10, y: 10 } });
  });
});

describe('box tool: abandoning', () => {
  it('abandons a drag on Escape: no intent, even at release', () => {
    const { results, intents, state } = drive([down(10, 10), move(50, 50), key('Escape'), up(50, 50)]);
    expect(results[2]!.consumed).toBe(true);
    expect(results[2]!.preview.draft).toBeUndefined();
    expect(intents).toEqual([]);
    expect(state).toEqual(BOX_IDLE);
  });

  it('abandons an anchored corner on Escape or cancel', () => {
    expect(drive([down(10, 10), up(10, 10), key('Escape'), move(60, 60), down(60, 60), up(60, 60)]).intents).toEqual([]);
    expect(drive([down(10, 10), up(10, 10), { type: 'cancel' }]).state).toEqual(BOX_IDLE);
  });

  it('leaves Escape when idle, other keys and other buttons to the canvas', () => {
    expect(drive([key('Escape')]).last.consumed).toBe(false);
    expect(drive([down(10, 10), key('Enter')]).last.consumed).toBe(false);
    const right = drive([down(10, 10, 2), move(50, 50), up(50, 50)]);
    expect(right.results[0]!.consumed).toBe(false);
    expect(right.intents).toEqual([]);
  });
});
