/**
 * AppApi: the one contract between the UI (or CLI, or a script) and the core.
 * Three clients implement `invoke` — Electron IPC, web (HTTP + SSE) and in-process —
 * and the contract test suite runs the same calls through each of them.
 */
import type { ErrorPayload } from './errors';
import type { Method, MethodInput, MethodResult } from './methods';
import type { JobDone, JobProgress } from './types';

/** What each method returns: the z.output of its result schema (methods.ts describes each method once). */
export type MethodResults = { [M in Method]: MethodResult<M> };

export interface AppEvents {
  jobProgress: JobProgress;
  jobDone: JobDone;
  /** Something in the open project changed (labels, classes, images, models): views refetch. */
  projectChanged: { what: 'images' | 'classes' | 'labels' | 'project' | 'models' | 'review' | 'backups' };
}
export type EventName = keyof AppEvents;

export type Unsubscribe = () => void;

export interface AppApi {
  invoke<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodResults[M]>;
  on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void): Unsubscribe;
}

/** The wire shape of every reply, on every transport. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export const EVENT_NAMES: EventName[] = ['jobProgress', 'jobDone', 'projectChanged'];
