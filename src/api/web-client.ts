/**
 * Web transport of AppApi, used when the studio is served by `apprentice serve`:
 * POST /api/<method> for calls, one EventSource on /events for events. Same origin,
 * the auth cookie rides along.
 */
import type { AppApi, AppEvents, EventName } from '../../src/api/contract';
import { EVENT_NAMES } from '../../src/api/contract';
import { AppError } from '../../src/api/errors';
import { unwrapReply } from './reply';

type Listener = (payload: unknown) => void;

export function createWebClient(base = ''): AppApi {
  const listeners = new Map<EventName, Set<Listener>>();
  let source: EventSource | null = null;
  let hadError = false;

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
    if (source) return;
    source = new EventSource(`${base}/events`, { withCredentials: true });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (ev) => {
        try {
          emit(name, JSON.parse((ev as MessageEvent<string>).data));
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
        res = await fetch(`${base}/api/${method}`, {
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
    on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void) {
      connect();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as Listener;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  };
}
