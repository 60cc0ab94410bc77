/** Toast notifications: errors stay until dismissed, information fades after a while. */
import type { ImportError } from '../../src/api/types';
import { createStore } from './store';

export type ToastKind = 'error' | 'info' | 'success';

export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  /** Optional list shown behind a "details" disclosure (e.g. files an import skipped). */
  errors?: ImportError[];
}

export const toasts = createStore<Toast[]>([]);
let nextId = 1;
const MAX = 6;

export function showToast(kind: ToastKind, message: string, errors?: ImportError[]): number {
  const id = nextId++;
  toasts.set((list) => [...list, { id, kind, message, errors }].slice(-MAX));
  if (kind !== 'error' && !(errors && errors.length)) setTimeout(() => dismissToast(id), 6000);
  return id;
}

export function showError(message: string): number {
  // The same message twice in a row is one toast, not a stack of them.
  const last = toasts.get().at(-1);
  if (last && last.kind === 'error' && last.message === message) return last.id;
  return showToast('error', message);
}

/** For fire-and-forget calls: the toast already told the user, nothing else to do. */
export function ignore(): void {}

export function dismissToast(id: number): void {
  toasts.set((list) => list.filter((t) => t.id !== id));
}
