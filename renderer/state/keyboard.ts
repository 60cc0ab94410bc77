/**
 * The one keydown listener that runs the shortcut table. Views register their actions with
 * `useShortcutScope`; keys typed into text fields, keys with Alt, and Ctrl/Cmd combinations the
 * table does not name (copy, paste, reload…) are left alone.
 */
import { useEffect, useRef } from 'react';
import type { GalleryActions, GlobalActions, LabelActions, ReviewActions, Scope } from './shortcuts';
import { findShortcut, isTyping, keyName } from './shortcuts';

interface Registry {
  scope: Scope;
  gallery: GalleryActions | null;
  label: LabelActions | null;
  review: ReviewActions | null;
}

const registry: Registry = { scope: 'global', gallery: null, label: null, review: null };

type ViewScope = Exclude<Scope, 'global'>;

export function useShortcutScope(scope: 'gallery', actions: GalleryActions): void;
export function useShortcutScope(scope: 'label', actions: LabelActions): void;
export function useShortcutScope(scope: 'review', actions: ReviewActions): void;
export function useShortcutScope(scope: ViewScope, actions: GalleryActions | LabelActions | ReviewActions): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    // A stable proxy: the latest actions are always the ones that run.
    const proxy = new Proxy({} as GalleryActions & LabelActions & ReviewActions, {
      get: (_t, prop) => (...args: unknown[]) => (ref.current as unknown as Record<string | symbol, (...a: unknown[]) => void>)[prop]?.(...args),
    });
    registry.scope = scope;
    registry[scope] = proxy;
    return () => {
      registry[scope] = null;
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
    const sc = findShortcut(key, registry.scope);
    if (!sc) return;
    e.preventDefault();
    if (e.repeat && !sc.repeat) return;
    sc.run({ key, global, gallery: registry.gallery, label: registry.label, review: registry.review });
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
