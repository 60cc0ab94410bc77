/**
 * The box tool, two ways to draw: drag from one corner to the opposite one, or click a corner,
 * move (no button) and click the opposite one. A drag too small to be a box (under a few screen
 * px on a side) was a click, so it leaves the first corner anchored for the two-click way.
 *
 *   idle --down--> pressed --up (big)--> idle + create
 *                          --up (small)--> anchored --down--> pressed (anchored) --up (big)--> idle + create
 */
import { clampPoint, rectFromPoints } from './geometry';
import { TOLERANCE, type Point, type Preview, type Rect, type Tool, type ToolContext, type ToolEvent, type ToolIntent, type ToolResult } from './types';

export type BoxState =
  | { mode: 'idle' }
  /** Button held; `anchored` when the first corner came from an earlier click. */
  | { mode: 'pressed'; start: Point; current: Point; anchored: boolean }
  /** First corner set by a click; the opposite corner follows the pointer. */
  | { mode: 'anchored'; start: Point; current: Point };

export const BOX_IDLE: BoxState = { mode: 'idle' };

function bigEnough(r: Rect, scale: number): boolean {
  return r.w * scale >= TOLERANCE.minBox && r.h * scale >= TOLERANCE.minBox;
}

function result(state: BoxState, intents: ToolIntent[] = [], consumed = true): ToolResult<BoxState> {
  const preview: Preview = {};
  if (state.mode !== 'idle') preview.draft = { kind: 'box', box: rectFromPoints(state.start, state.current), cursor: state.current };
  return { state, intents, preview, cursor: 'crosshair', consumed };
}

export function boxStep(state: BoxState, ev: ToolEvent, ctx: ToolContext): ToolResult<BoxState> {
  switch (ev.type) {
    case 'down': {
      if (ev.button !== 0) return result(state, [], false);
      // Corners outside the image are pulled onto its border: a box never leaves the image.
      const p = clampPoint(ev.p, ctx.image);
      if (state.mode === 'anchored') return result({ mode: 'pressed', start: state.start, current: p, anchored: true });
      return result({ mode: 'pressed', start: p, current: p, anchored: false });
    }
    case 'move':
      if (state.mode === 'idle') return result(state, [], false);
      return result({ ...state, current: clampPoint(ev.p, ctx.image) });
    case 'up': {
      if (state.mode !== 'pressed') return result(state, [], false);
      const current = clampPoint(ev.p, ctx.image);
      const box = rectFromPoints(state.start, current);
      if (bigEnough(box, ctx.scale)) return result(BOX_IDLE, [{ kind: 'create', shape: { kind: 'box', box } }]);
      // Too small: a click. It sets the first corner, or (on the second click) is ignored.
      return result({ mode: 'anchored', start: state.start, current });
    }
    case 'key':
      if (ev.key === 'Escape' && state.mode !== 'idle') return result(BOX_IDLE);
      return result(state, [], false);
    case 'cancel':
      return result(BOX_IDLE);
  }
}

export const boxTool: Tool<BoxState> = { name: 'box', initial: BOX_IDLE, step: boxStep };
