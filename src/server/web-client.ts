import type { AppApi, AppEvents, EventName, MethodResults, Reply, Unsubscribe } from '../api/contract';
import { AppError } from '../api/errors';
import type { Method, MethodInput } from '../api/schemas';

/**
 * AppApi over HTTP for Node callers (scripts and the contract tests): the same requests the
 * renderer's web client makes, with the token as a Bearer header. Events arrive over SSE.
 */
export function createWebClient(baseUrl: string, token: string): AppApi & { close(): void } {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const controller = new AbortController();
  let streaming = false;

  async function stream(): Promise<void> {
    streaming = true;
    try {
      const res = await fetch(`${baseUrl}/events`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) listeners.get(event as EventName)?.forEach((l) => l(JSON.parse(data)));
        }
      }
    } catch {
      // closed by close() or by the server going away
    }
  }

  return {
    async invoke<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodResults[M]> {
      const res = await fetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      const reply = (await res.json()) as Reply<MethodResults[M]>;
      if (!reply.ok) throw AppError.fromPayload(reply.error);
      return reply.value;
    },
    on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void): Unsubscribe {
      if (!streaming) void stream();
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
    close() {
      controller.abort();
    },
  };
}
