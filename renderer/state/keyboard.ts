/**
 * The one keydown listener that runs the shortcut table. Views register their actions with
 * `useShortcutScope`; keys typed into text fields, keys with Alt, and Ctrl/Cmd combinations the
 * table does not name (copy, paste, reload…) are left alone.
 */
import { useEffect, useRef } from 'react';
import type { CanvasActions, GalleryActions, GlobalActions, LabelActions, ReviewActions, Scope } from './shortcuts';
import { findShortcut, isTyping, keyName } from './shortcuts';

interface Registry {
  scope: Scope;
  gallery: GalleryActions | null;
  label: LabelActions | null;
  canvas: CanvasActions | null;
  review: ReviewActions | null;
}

const registry: Registry = { scope: 'global', gallery: null, label: null, canvas: null, review: null };

type ViewScope = Exclude<Scope, 'global'>;
type AnyActions = GalleryActions & LabelActions & CanvasActions & ReviewActions;

export function useShortcutScope(scope: 'gallery', actions: GalleryActions): void;
export function useShortcutScope(scope: 'label', actions: LabelActions): void;
export function useShortcutScope(scope: 'canvas', actions: CanvasActions): void;
export function useShortcutScope(scope: 'review', actions: ReviewActions): void;
export function useShortcutScope(scope: ViewScope, actions: GalleryActions | LabelActions | CanvasActions | ReviewActions): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    // A stable proxy: the latest actions are always the ones that run (and answer).
    const proxy = new Proxy({} as AnyActions, {
      get: (_t, prop) => (...args: unknown[]) => (ref.current as unknown as Record<string | symbol, (...a: unknown[]) => unknown>)[prop]?.(...args),
    });
    // The canvas rides along with the labeling view: it is searched first, never the view's scope.
    if (scope !== 'canvas') registry.scope = scope;
    (registry as unknown as Record<string, unknown>)[scope] = proxy;
    return () => {
      (registry as unknown as Record<string, unknown>)[scope] = null;
      if (registry.scope === scope) registry.scope = 'global';
    };
  }, [scope]);
}

/** True while a modal dialog is open: shortcuts of the views underneath are paused. */
function modalOpen(): boolean {
  return document.querySelector('[aria-modal="true"]') !== null;
}

export function installShortcuts(global: GlobalActions & { closeModal(): boolean }): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.altKey) return;
    if (isTyping(e.target)) return;
    const key = keyName(e);
    const tag = (e.target as HTMLElement | null)?.tagName;
    if ((key === 'Enter' || key === 'Space') && (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY')) return;
    if (modalOpen()) {
      if ((key === 'Escape' || key === '?') && global.closeModal()) e.preventDefault();
      return;
    }
    const ctx = { key, global, gallery: registry.gallery, label: registry.label, canvas: registry.canvas, review: registry.review };
    const sc = findShortcut(key, registry.scope, ctx);
    if (!sc) return;
    e.preventDefault();
    if (e.repeat && !sc.repeat) return;
    sc.run(ctx);
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
