/**
 * The studio's one AppApi. Chosen once at startup: Electron IPC when the preload bridge exists,
 * else the web client. Every rejected call shows its message in a toast (then rethrows).
 */
import type { AppApi } from '../../src/api/contract';
import type { ApprenticeBridge } from './global';
import { AppError } from '../../src/api/errors';
import { createIpcClient } from './ipc';
import { createWebClient } from '../../src/api/web-client';
import { showError } from '../state/toasts';

export type { ApprenticeBridge } from './global';
export { mediaUrl, setMediaKey } from './media';

const SHOWN = Symbol('shown');

function withToasts(inner: AppApi): AppApi {
  return {
    async invoke(method, input) {
      try {
        return await inner.invoke(method, input);
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError('INTERNAL', String((err as Error)?.message ?? err));
        showError(e.message);
        (e as unknown as Record<symbol, boolean>)[SHOWN] = true;
        throw e;
      }
    },
    on: inner.on.bind(inner),
  };
}

/** True for an error the user has already seen in a toast: callers may drop it silently. */
export function alreadyShown(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as Record<symbol, boolean>)[SHOWN] === true;
}

export const bridge: ApprenticeBridge | null = window.apprentice ?? null;
export const api: AppApi = withToasts(bridge ? createIpcClient(bridge) : createWebClient());

export { ignore } from '../state/toasts';

// Errors already shown in a toast need no second report as an unhandled rejection.
window.addEventListener('unhandledrejection', (ev) => {
  if (alreadyShown(ev.reason)) ev.preventDefault();
});
