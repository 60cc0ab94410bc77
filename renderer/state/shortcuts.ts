/**
 * Every keyboard shortcut, as one table. The help overlay lists it; one keydown listener runs it.
 * A row's `scope` says where it applies; `run` gets the actions the visible view registered.
 * 'canvas' rows belong to the labeling view's regions and come before its other rows while their
 * `when` holds (arrows nudge the selected regions, else they change the image). A user can give
 * any row other keys; `keysOf` is the one place that says which keys a row has now.
 */
import { createStore } from './store';
import { openClassPicker } from './classPicker';

export type Scope = 'global' | 'gallery' | 'label' | 'canvas' | 'review';

export interface GlobalActions {
  toggleHelp(): void;
}

export interface GalleryActions {
  open(): void;
  move(dx: number, dy: number): void;
  assignNumber(n: number): void;
  clearSelection(): void;
}

export interface LabelActions {
  assignNumber(n: number): void;
  clear(): void;
  next(): void;
  prev(): void;
  back(): void;
  fit(): void;
  zoom(factor: number): void;
}

export type CanvasToolName = 'pan' | 'select' | 'box' | 'polygon';

export interface CanvasActions {
  hasSelection(): boolean;
  /** Digits choose a region class (detect/segment projects, or a selection), not the image's tag. */
  digitsForRegions(): boolean;
  classNumber(n: number): void;
  setTool(tool: CanvasToolName): void;
  undo(): void;
  redo(): void;
  copy(): void;
  paste(): void;
  repeatPrevious(): void;
  zoomToSelection(): void;
  toggleHideAll(): void;
  toggleLock(): void;
  deleteSelected(): void;
  selectAll(): void;
  deselect(): void;
  nudge(dx: number, dy: number): void;
  /** The image has teacher regions nobody has reviewed yet. */
  hasPending(): boolean;
  acceptPendingAndNext(): void;
}

export interface ReviewActions {
  accept(): void;
  reject(): void;
  relabelNumber(n: number): void;
  skip(): void;
  undo(): void;
  fit(): void;
}

export interface ShortcutContext {
  /** The key as matched (e.g. "3" for the digit rows). */
  key: string;
  global: GlobalActions;
  gallery: GalleryActions | null;
  label: LabelActions | null;
  canvas: CanvasActions | null;
  review: ReviewActions | null;
}

export interface Shortcut {
  id: string;
  keys: string[];
  label: string;
  scope: Scope;
  /** Keeps firing while the key is held (navigation); others run once per press. */
  repeat?: boolean;
  /** Only while this holds (else the key falls through to the next row that has it). */
  when?(ctx: ShortcutContext): boolean;
  run(ctx: ShortcutContext): void;
}

/** The class keys: 1-9 for the first nine classes, 0 for the 10th; "/" opens the picker for any class. */
export const CLASS_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
const DIGITS = CLASS_KEYS;

/** The 1-based class position a class key stands for ("0" is the 10th); 0 for another key. */
export function classNumberOfKey(key: string): number {
  return CLASS_KEYS.indexOf(key) + 1;
}

/** The key of the class at 0-based position `index` of the project's classes, or null past the 10th. */
export function classKeyOf(index: number): string | null {
  return CLASS_KEYS[index] ?? null;
}

export const SHORTCUTS: Shortcut[] = [
  { id: 'help', keys: ['?'], label: 'Show or hide this list', scope: 'global', run: (c) => c.global.toggleHelp() },

  { id: 'gallery.open', keys: ['Enter'], label: 'Open the focused image for labeling', scope: 'gallery', run: (c) => c.gallery?.open() },
  { id: 'gallery.right', repeat: true, keys: ['ArrowRight'], label: 'Move focus right', scope: 'gallery', run: (c) => c.gallery?.move(1, 0) },
  { id: 'gallery.left', repeat: true, keys: ['ArrowLeft'], label: 'Move focus left', scope: 'gallery', run: (c) => c.gallery?.move(-1, 0) },
  { id: 'gallery.down', repeat: true, keys: ['ArrowDown'], label: 'Move focus down', scope: 'gallery', run: (c) => c.gallery?.move(0, 1) },
  { id: 'gallery.up', repeat: true, keys: ['ArrowUp'], label: 'Move focus up', scope: 'gallery', run: (c) => c.gallery?.move(0, -1) },
  { id: 'gallery.assign', keys: DIGITS, label: 'Assign class 1–9, 0 (the 10th) to the selected images', scope: 'gallery', run: (c) => c.gallery?.assignNumber(classNumberOfKey(c.key)) },
  { id: 'gallery.pick', keys: ['/'], label: 'Assign any class to the selected images: type to filter, ↵ to choose', scope: 'gallery', run: (c) => openClassPicker((n) => c.gallery?.assignNumber(n)) },
  { id: 'gallery.deselect', keys: ['Escape'], label: 'Clear the selection', scope: 'gallery', run: (c) => c.gallery?.clearSelection() },

  { id: 'label.assign', keys: DIGITS, label: 'Assign class 1–9, 0 (the 10th) and go to the next image', scope: 'label', run: (c) => c.label?.assignNumber(classNumberOfKey(c.key)) },
  { id: 'label.pick', keys: ['/'], label: 'Assign any class (type to filter, ↵ to choose) and go to the next image', scope: 'label', run: (c) => openClassPicker((n) => c.label?.assignNumber(n)) },
  { id: 'label.clear', keys: ['Backspace'], label: 'Clear the label', scope: 'label', run: (c) => c.label?.clear() },
  { id: 'label.next', repeat: true, keys: ['ArrowRight', 'j'], label: 'Next image', scope: 'label', run: (c) => c.label?.next() },
  { id: 'label.prev', repeat: true, keys: ['ArrowLeft', 'k'], label: 'Previous image', scope: 'label', run: (c) => c.label?.prev() },
  { id: 'label.fit', keys: ['f'], label: 'Fit the image to the view', scope: 'label', run: (c) => c.label?.fit() },
  { id: 'label.zoomIn', repeat: true, keys: ['+', '='], label: 'Zoom in', scope: 'label', run: (c) => c.label?.zoom(1.25) },
  { id: 'label.zoomOut', repeat: true, keys: ['-'], label: 'Zoom out', scope: 'label', run: (c) => c.label?.zoom(0.8) },
  { id: 'label.pan', keys: ['Space'], label: 'Hold and drag to pan (dragging alone pans too)', scope: 'label', run: () => {} },
  { id: 'label.back', keys: ['Escape'], label: 'Back to the gallery', scope: 'label', run: (c) => c.label?.back() },

  { id: 'canvas.pan', keys: ['m'], label: 'Pan tool: dragging moves the image', scope: 'canvas', run: (c) => c.canvas?.setTool('pan') },
  { id: 'canvas.select', keys: ['v'], label: 'Select tool: click, Shift-click, drag a marquee; move, resize; drag an edge midpoint to add a vertex, Delete over a vertex removes it', scope: 'canvas', run: (c) => c.canvas?.setTool('select') },
  { id: 'canvas.box', keys: ['b'], label: 'Box tool: drag, or click two corners', scope: 'canvas', run: (c) => c.canvas?.setTool('box') },
  { id: 'canvas.polygon', keys: ['p'], label: 'Polygon tool: click vertices; close on the first point or Enter; ⌫ removes the last', scope: 'canvas', run: (c) => c.canvas?.setTool('polygon') },
  { id: 'canvas.class', keys: DIGITS, label: 'Class 1–9, 0 (the 10th) for the selected regions (or for the next one drawn)', scope: 'canvas', when: (c) => !!c.canvas?.digitsForRegions(), run: (c) => c.canvas?.classNumber(classNumberOfKey(c.key)) },
  { id: 'canvas.pick', keys: ['/'], label: 'Any class for the selected regions (or the next one drawn): type to filter, ↵ to choose', scope: 'canvas', when: (c) => !!c.canvas?.digitsForRegions(), run: (c) => openClassPicker((n) => c.canvas?.classNumber(n)) },
  { id: 'canvas.acceptAll', keys: ['Enter', 'a'], label: "Accept the teacher's regions on this image and go to the next", scope: 'canvas', when: (c) => !!c.canvas?.hasPending(), run: (c) => c.canvas?.acceptPendingAndNext() },
  { id: 'canvas.undo', keys: ['Mod+z'], label: 'Undo the last region change', scope: 'canvas', run: (c) => c.canvas?.undo() },
  { id: 'canvas.redo', keys: ['Mod+Shift+z', 'Mod+y'], label: 'Redo', scope: 'canvas', run: (c) => c.canvas?.redo() },
  { id: 'canvas.copy', keys: ['Mod+c'], label: 'Copy the selected regions', scope: 'canvas', run: (c) => c.canvas?.copy() },
  { id: 'canvas.paste', keys: ['Mod+v'], label: 'Paste regions (onto this or another image)', scope: 'canvas', run: (c) => c.canvas?.paste() },
  { id: 'canvas.selectAll', keys: ['Mod+a'], label: 'Select every region', scope: 'canvas', run: (c) => c.canvas?.selectAll() },
  { id: 'canvas.repeat', keys: ['r'], label: "Repeat the previous image's regions here", scope: 'canvas', run: (c) => c.canvas?.repeatPrevious() },
  { id: 'canvas.zoomSelection', keys: ['z'], label: 'Zoom to the selection', scope: 'canvas', run: (c) => c.canvas?.zoomToSelection() },
  { id: 'canvas.hideAll', keys: ['h'], label: 'Hide or show all regions', scope: 'canvas', run: (c) => c.canvas?.toggleHideAll() },
  { id: 'canvas.lock', keys: ['l'], label: 'Lock or unlock the selected regions', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.toggleLock() },
  { id: 'canvas.delete', keys: ['Delete', 'Backspace'], label: 'Delete the selected regions', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.deleteSelected() },
  { id: 'canvas.deselect', keys: ['Escape'], label: 'Abandon the drawing, else clear the selection', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.deselect() },
  { id: 'canvas.nudgeLeft', repeat: true, keys: ['ArrowLeft'], label: 'Nudge the selection left (Shift: ×10)', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.nudge(-1, 0) },
  { id: 'canvas.nudgeRight', repeat: true, keys: ['ArrowRight'], label: 'Nudge right (Shift: ×10)', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.nudge(1, 0) },
  { id: 'canvas.nudgeUp', repeat: true, keys: ['ArrowUp'], label: 'Nudge up (Shift: ×10)', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.nudge(0, -1) },
  { id: 'canvas.nudgeDown', repeat: true, keys: ['ArrowDown'], label: 'Nudge down (Shift: ×10)', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.nudge(0, 1) },
  { id: 'canvas.nudgeLeft10', repeat: true, keys: ['Shift+ArrowLeft'], label: 'Nudge left by 10 pixels', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.nudge(-10, 0) },
  { id: 'canvas.nudgeRight10', repeat: true, keys: ['Shift+ArrowRight'], label: 'Nudge right by 10 pixels', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.nudge(10, 0) },
  { id: 'canvas.nudgeUp10', repeat: true, keys: ['Shift+ArrowUp'], label: 'Nudge up by 10 pixels', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.nudge(0, -10) },
  { id: 'canvas.nudgeDown10', repeat: true, keys: ['Shift+ArrowDown'], label: 'Nudge down by 10 pixels', scope: 'canvas', when: (c) => !!c.canvas?.hasSelection(), run: (c) => c.canvas?.nudge(0, 10) },

  { id: 'review.accept', keys: ['Enter', 'a'], label: "Accept the teacher's label", scope: 'review', run: (c) => c.review?.accept() },
  { id: 'review.reject', keys: ['x'], label: 'Reject it (the image stays unlabeled)', scope: 'review', run: (c) => c.review?.reject() },
  { id: 'review.relabel', keys: DIGITS, label: 'Relabel to class 1–9, 0 (the 10th) (corrected)', scope: 'review', run: (c) => c.review?.relabelNumber(classNumberOfKey(c.key)) },
  { id: 'review.pick', keys: ['/'], label: 'Relabel to any class: type to filter, ↵ to choose', scope: 'review', run: (c) => openClassPicker((n) => c.review?.relabelNumber(n)) },
  { id: 'review.skip', keys: ['s', 'ArrowRight'], label: 'Skip to the next image', scope: 'review', run: (c) => c.review?.skip() },
  { id: 'review.undo', keys: ['Mod+z'], label: 'Undo the last review step (bulk steps too)', scope: 'review', run: (c) => c.review?.undo() },
  { id: 'review.fit', keys: ['f'], label: 'Fit the image to the view', scope: 'review', run: (c) => c.review?.fit() },
];

/**
 * The name a KeyboardEvent is matched by: letters lowercased, " " as "Space", Ctrl or Cmd as a
 * "Mod+" prefix, and "Shift+" before named keys (Shift+ArrowLeft); a shifted character is already
 * its own key ("?").
 */
export function keyName(e: Pick<KeyboardEvent, 'key'> & Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey'>>): string {
  const named = e.key.length > 1;
  const base = e.key === ' ' ? 'Space' : named ? e.key : e.key.toLowerCase();
  const shift = e.shiftKey && (named || e.ctrlKey || e.metaKey) && base !== 'Shift' ? 'Shift+' : '';
  if (!e.ctrlKey && !e.metaKey) return `${shift}${base}`;
  return `Mod+${shift}${base}`;
}

/** Keys the user chose instead of a row's defaults, by row id (stored in the project's settings). */
export const shortcutOverrides = createStore<Readonly<Record<string, string[]>>>({});

/** The keys a row answers to now. */
export function keysOf(s: Shortcut): string[] {
  return shortcutOverrides.get()[s.id] ?? s.keys;
}

/** True when the key is meant for a text field, not for a shortcut. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'range', 'color', 'submit', 'reset'].includes(type);
}

/** Scopes searched for a key, in order: the canvas of the labeling view first, then the view, then everywhere. */
function scopesOf(scope: Scope, ctx: Pick<ShortcutContext, 'canvas'> | null): Scope[] {
  return scope === 'label' && ctx?.canvas ? ['canvas', 'label', 'global'] : [scope, 'global'];
}

export function findShortcut(key: string, scope: Scope, ctx: ShortcutContext | null = null): Shortcut | undefined {
  for (const sc of scopesOf(scope, ctx)) {
    const hit = SHORTCUTS.find((s) => s.scope === sc && keysOf(s).includes(key) && (!s.when || (ctx !== null && s.when({ ...ctx, key }))));
    if (hit) return hit;
  }
  return undefined;
}

/** Rows of the same view that already answer to `key` (shown before a user reassigns it). */
export function conflictsOf(key: string, row: Shortcut): Shortcut[] {
  const near = (a: Scope, b: Scope) => a === b || a === 'global' || b === 'global' || (a === 'canvas' && b === 'label') || (a === 'label' && b === 'canvas');
  return SHORTCUTS.filter((s) => s.id !== row.id && near(s.scope, row.scope) && keysOf(s).includes(key) && !s.when && !row.when);
}

const PRETTY: Record<string, string> = {
  ArrowRight: '→',
  ArrowLeft: '←',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Escape: 'Esc',
  Backspace: '⌫',
  Enter: '↵',
};

const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function prettyKey(key: string): string {
  if (key.startsWith('Mod+')) return `${MAC ? '⌘' : 'Ctrl+'}${prettyKey(key.slice(4))}`;
  if (key.startsWith('Shift+')) return `${MAC ? '⇧' : 'Shift+'}${prettyKey(key.slice(6))}`;
  return PRETTY[key] ?? (key.length === 1 ? key.toUpperCase() : key);
}

/** Rows for the help overlay: the class keys shown as "1–9", "0". */
export function describeKeys(keys: string[]): string[] {
  if (keys.join('') === CLASS_KEYS.join('')) return ['1–9', '0'];
  if (keys.join('') === CLASS_KEYS.slice(0, 9).join('')) return ['1–9'];
  return keys.map(prettyKey);
}
