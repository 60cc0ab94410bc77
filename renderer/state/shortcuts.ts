/**
 * Every keyboard shortcut, as one table. The help overlay lists it; one keydown listener runs it.
 * A row's `scope` says where it applies; `run` gets the actions the visible view registered.
 */
export type Scope = 'global' | 'gallery' | 'label' | 'review';

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
  review: ReviewActions | null;
}

export interface Shortcut {
  id: string;
  keys: string[];
  label: string;
  scope: Scope;
  /** Keeps firing while the key is held (navigation); others run once per press. */
  repeat?: boolean;
  run(ctx: ShortcutContext): void;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const SHORTCUTS: Shortcut[] = [
  { id: 'help', keys: ['?'], label: 'Show or hide this list', scope: 'global', run: (c) => c.global.toggleHelp() },

  { id: 'gallery.open', keys: ['Enter'], label: 'Open the focused image for labeling', scope: 'gallery', run: (c) => c.gallery?.open() },
  { id: 'gallery.right', repeat: true, keys: ['ArrowRight'], label: 'Move focus right', scope: 'gallery', run: (c) => c.gallery?.move(1, 0) },
  { id: 'gallery.left', repeat: true, keys: ['ArrowLeft'], label: 'Move focus left', scope: 'gallery', run: (c) => c.gallery?.move(-1, 0) },
  { id: 'gallery.down', repeat: true, keys: ['ArrowDown'], label: 'Move focus down', scope: 'gallery', run: (c) => c.gallery?.move(0, 1) },
  { id: 'gallery.up', repeat: true, keys: ['ArrowUp'], label: 'Move focus up', scope: 'gallery', run: (c) => c.gallery?.move(0, -1) },
  { id: 'gallery.assign', keys: DIGITS, label: 'Assign class 1–9 to the selected images', scope: 'gallery', run: (c) => c.gallery?.assignNumber(Number(c.key)) },
  { id: 'gallery.deselect', keys: ['Escape'], label: 'Clear the selection', scope: 'gallery', run: (c) => c.gallery?.clearSelection() },

  { id: 'label.assign', keys: DIGITS, label: 'Assign class 1–9 and go to the next image', scope: 'label', run: (c) => c.label?.assignNumber(Number(c.key)) },
  { id: 'label.clear', keys: ['0', 'Backspace'], label: 'Clear the label', scope: 'label', run: (c) => c.label?.clear() },
  { id: 'label.next', repeat: true, keys: ['ArrowRight', 'j'], label: 'Next image', scope: 'label', run: (c) => c.label?.next() },
  { id: 'label.prev', repeat: true, keys: ['ArrowLeft', 'k'], label: 'Previous image', scope: 'label', run: (c) => c.label?.prev() },
  { id: 'label.fit', keys: ['f'], label: 'Fit the image to the view', scope: 'label', run: (c) => c.label?.fit() },
  { id: 'label.zoomIn', repeat: true, keys: ['+', '='], label: 'Zoom in', scope: 'label', run: (c) => c.label?.zoom(1.25) },
  { id: 'label.zoomOut', repeat: true, keys: ['-'], label: 'Zoom out', scope: 'label', run: (c) => c.label?.zoom(0.8) },
  { id: 'label.pan', keys: ['Space'], label: 'Hold and drag to pan (dragging alone pans too)', scope: 'label', run: () => {} },
  { id: 'label.back', keys: ['Escape'], label: 'Back to the gallery', scope: 'label', run: (c) => c.label?.back() },

  { id: 'review.accept', keys: ['Enter', 'a'], label: "Accept the teacher's label", scope: 'review', run: (c) => c.review?.accept() },
  { id: 'review.reject', keys: ['x'], label: 'Reject it (the image stays unlabeled)', scope: 'review', run: (c) => c.review?.reject() },
  { id: 'review.relabel', keys: DIGITS, label: 'Relabel to class 1–9 (corrected)', scope: 'review', run: (c) => c.review?.relabelNumber(Number(c.key)) },
  { id: 'review.skip', keys: ['s', 'ArrowRight'], label: 'Skip to the next image', scope: 'review', run: (c) => c.review?.skip() },
  { id: 'review.undo', keys: ['Mod+z'], label: 'Undo the last review step (bulk steps too)', scope: 'review', run: (c) => c.review?.undo() },
  { id: 'review.fit', keys: ['f'], label: 'Fit the image to the view', scope: 'review', run: (c) => c.review?.fit() },
];

/** The name a KeyboardEvent is matched by: letters lowercased, " " as "Space", Ctrl or Cmd as a "Mod+" prefix. */
export function keyName(e: Pick<KeyboardEvent, 'key'> & Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey'>>): string {
  const base = e.key === ' ' ? 'Space' : e.key.length === 1 ? e.key.toLowerCase() : e.key;
  if (!e.ctrlKey && !e.metaKey) return base;
  return `Mod+${e.shiftKey ? 'Shift+' : ''}${base}`;
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

export function findShortcut(key: string, scope: Scope): Shortcut | undefined {
  return SHORTCUTS.find((s) => (s.scope === scope || s.scope === 'global') && s.keys.includes(key));
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
  return PRETTY[key] ?? (key.length === 1 ? key.toUpperCase() : key);
}

/** Rows for the help overlay: digit runs shown as "1–9". */
export function describeKeys(keys: string[]): string[] {
  if (keys.length === 9 && keys.join('') === DIGITS.join('')) return ['1–9'];
  return keys.map(prettyKey);
}
