/** Gallery multi-selection: click, ctrl/cmd-click toggle, shift-click range from the anchor. */
import { createStore } from './store';

export interface Selection {
  ids: ReadonlySet<number>;
  /** Index the next shift-click extends from. */
  anchor: number | null;
}

export const selection = createStore<Selection>({ ids: new Set(), anchor: null });

export function clearSelection(): void {
  selection.set({ ids: new Set(), anchor: null });
}

export function selectOnly(index: number, id: number): void {
  selection.set({ ids: new Set([id]), anchor: index });
}

export function toggleSelected(index: number, id: number): void {
  selection.set((s) => {
    const ids = new Set(s.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    return { ids, anchor: index };
  });
}

/** Selects a range of ids; `add` keeps what was already selected (ctrl+shift). */
export function selectRange(rangeIds: number[], add: boolean): void {
  selection.set((s) => {
    const ids = add ? new Set(s.ids) : new Set<number>();
    for (const id of rangeIds) ids.add(id);
    return { ids, anchor: s.anchor };
  });
}
