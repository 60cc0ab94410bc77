/**
 * The contract between the canvas and its drawing tools. The canvas converts pointer events to
 * IMAGE PIXEL coordinates and feeds them to the active tool's `step`; it draws `preview` on top of
 * the regions and turns `intents` into API calls (the core owns the data and the undo history).
 * Tools are pure: they never mutate their inputs and hold no state outside the returned `state`.
 */
export interface Point { x: number; y: number } // image pixels
export interface Rect { x: number; y: number; w: number; h: number } // image pixels, w,h >= 0
export type ToolShape = { kind: 'box'; box: Rect } | { kind: 'polygon'; points: Point[] };
export interface ToolRegion { id: number; shape: ToolShape; locked: boolean; hidden: boolean }
export interface ToolContext {
  regions: readonly ToolRegion[]; // drawing order; later ones are on top
  selected: ReadonlySet<number>;
  scale: number; // screen pixels per image pixel: tolerances are in screen px
  image: { width: number; height: number };
}
export type ToolEvent =
  | { type: 'down'; p: Point; button: number; shift: boolean; mod: boolean }
  | { type: 'move'; p: Point }
  | { type: 'up'; p: Point }
  | { type: 'key'; key: string } // 'Escape' | 'Enter' | 'Backspace' | 'Delete' ...
  | { type: 'cancel' }; // pointer cancel / blur / tool switch
export type ToolIntent =
  | { kind: 'create'; shape: ToolShape }
  | { kind: 'update'; changes: { id: number; shape: ToolShape }[] } // emitted once at gesture end: one undo step
  | { kind: 'delete'; ids: number[] }
  | { kind: 'select'; ids: number[] };
export interface Preview {
  /** A box or polygon being drawn. For a polygon draft, `closed` means the next click closes it. */
  draft?: ToolShape & { closed?: boolean; cursor?: Point };
  marquee?: Rect;
  overrides?: ReadonlyMap<number, ToolShape>; // regions shown moved/resized during a drag
  hover?: number | null; // region under the pointer
  handles?: { id: number; points: Point[]; mids?: Point[] }; // handles of the single selected region
}
export interface ToolResult<S> { state: S; intents: ToolIntent[]; preview: Preview; cursor: string; consumed: boolean }
export interface Tool<S> {
  name: 'select' | 'box' | 'polygon';
  initial: S;
  step(state: S, ev: ToolEvent, ctx: ToolContext): ToolResult<S>;
}

/** Tolerances in SCREEN pixels; tools divide them by ctx.scale to get image pixels. */
export const TOLERANCE = {
  /** How close to an outline a pointer counts as on the region (thin shapes stay clickable). */
  hit: 4,
  /** How close to a handle a pointer grabs it. */
  handle: 6,
  /** Movement below this between down and up is a click, not a drag. */
  drag: 3,
  /** How close to the first vertex a click closes a polygon. */
  close: 8,
  /** Boxes smaller than this on a side were a click, not a drawn box. */
  minBox: 4,
} as const;
