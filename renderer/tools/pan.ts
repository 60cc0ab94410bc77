/**
 * The pan tool as a small state machine: idle -> pointing (button down) -> dragging (moved past
 * a few pixels) -> idle. It emits pan intents; the canvas applies them to its viewport.
 * With `requireSpace`, only drags that start while Space is held pan (for canvases whose plain
 * drag belongs to a drawing tool); the classification canvas pans on any drag.
 */
export type PanState =
  | { mode: 'idle' }
  | { mode: 'pointing'; startX: number; startY: number; lastX: number; lastY: number }
  | { mode: 'dragging'; lastX: number; lastY: number };

export type PanEvent =
  | { type: 'down'; x: number; y: number; button: number; space: boolean }
  | { type: 'move'; x: number; y: number }
  | { type: 'up' }
  | { type: 'cancel' };

export type PanIntent = { kind: 'pan'; dx: number; dy: number };

export interface PanOptions {
  requireSpace: boolean;
  threshold: number;
}

export const PAN_DEFAULTS: PanOptions = { requireSpace: false, threshold: 3 };

export const PAN_IDLE: PanState = { mode: 'idle' };

export function panStep(state: PanState, ev: PanEvent, opts: PanOptions = PAN_DEFAULTS): { state: PanState; intent?: PanIntent } {
  switch (ev.type) {
    case 'down': {
      // Left button (with Space if required), or the middle button always.
      const ok = ev.button === 1 || (ev.button === 0 && (ev.space || !opts.requireSpace));
      if (!ok) return { state };
      return { state: { mode: 'pointing', startX: ev.x, startY: ev.y, lastX: ev.x, lastY: ev.y } };
    }
    case 'move': {
      if (state.mode === 'idle') return { state };
      if (state.mode === 'pointing') {
        if (Math.hypot(ev.x - state.startX, ev.y - state.startY) < opts.threshold) return { state };
      }
      return {
        state: { mode: 'dragging', lastX: ev.x, lastY: ev.y },
        intent: { kind: 'pan', dx: ev.x - state.lastX, dy: ev.y - state.lastY },
      };
    }
    case 'up':
    case 'cancel':
      return { state: PAN_IDLE };
  }
}
