/**
 * Web transport of AppApi, the one implementation: the studio ships it (served by `apprentice serve`)
 * and the contract suite runs it under Node. POST /api/<method> for calls, one EventSource on /events
 * for events. Written against the standard fetch and EventSource only (no DOM, no Node built-ins), so it
 * runs in a browser, where the defaults are the page's own (same origin, the auth cookie rides along),
 * and under Node, where the caller supplies them (Node has fetch, but no EventSource by default).
 */
import type { AppApi, AppEvents, EventName, Unsubscribe } from './contract';
import { EVENT_NAMES } from './contract';
import { AppError } from './errors';
import { unwrapReply } from './reply';

type Listener = (payload: unknown) => void;

/** What the client needs of an EventSource: the standard one (browser, or a Node implementation) fits. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (ev: { data?: unknown }) => void): void;
  close(): void;
}
export type EventSourceConstructor = new (url: string, init?: { withCredentials?: boolean }) => EventSourceLike;

export interface WebClientOptions {
  /** Origin of the server, e.g. `http://127.0.0.1:5173`; '' (default) means the page's own origin. */
  base?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Defaults to the global EventSource (every browser has one). */
  EventSource?: EventSourceConstructor;
}

export interface WebClient extends AppApi {
  /** Closes the event stream (a page never needs to; a Node caller does before it stops the server). */
  close(): void;
}

export function createWebClient(options: WebClientOptions = {}): WebClient {
  const base = options.base ?? '';
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const listeners = new Map<EventName, Set<Listener>>();
  let source: EventSourceLike | null = null;
  let hadError = false;
  let closed = false;

  function emit(event: EventName, payload: unknown): void {
    for (const l of [...(listeners.get(event) ?? [])]) {
      try {
        l(payload);
      } catch (err) {
        console.error(`listener for ${event} failed`, err);
      }
    }
  }

  function connect(): void {
    if (source || closed) return;
    const Source = options.EventSource ?? (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
    if (!Source) throw new AppError('INTERNAL', 'This runtime has no EventSource: pass one to createWebClient to receive events.');
    source = new Source(`${base}/events`, { withCredentials: true });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (ev) => {
        try {
          emit(name, JSON.parse(ev.data as string));
        } catch (err) {
          console.error(`bad ${name} event`, err);
        }
      });
    }
    source.addEventListener('error', () => {
      hadError = true;
    });
    source.addEventListener('open', () => {
      // After a reconnect, events may have been missed: tell every view to refetch.
      if (hadError) emit('projectChanged', { what: 'project' });
      hadError = false;
    });
  }

  return {
    async invoke(method, input) {
      let res: Response;
      try {
        res = await fetchFn(`${base}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new AppError('INTERNAL', 'Cannot reach the Apprentice server. Is `apprentice serve` still running?');
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        if (res.status === 401 || res.status === 403) {
          throw new AppError('UNAUTHORIZED', 'This page is not authorized. Open the link with the token that `apprentice serve` printed.');
        }
        throw new AppError('INTERNAL', `The server answered ${res.status} ${res.statusText} without a readable reply.`);
      }
      return unwrapReply(body);
    },
    on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void): Unsubscribe {
      connect();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as Listener;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
    close() {
      closed = true;
      source?.close();
      source = null;
    },
  };
}
