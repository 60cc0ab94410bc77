/**
 * The studio's own web client (src/api/web-client.ts) as a Node caller runs it: Node's fetch and
 * undici's EventSource (the implementation behind Node's experimental global), both sending the
 * session token as a Bearer header since Node has no cookie jar for the printed URL's cookie.
 */
import { Agent, EventSource, type Dispatcher } from 'undici';
import { createWebClient, type WebClient } from '../api/web-client';

type Headers = Dispatcher.DispatchOptions['headers'];

function withBearer(headers: Headers, token: string): Headers {
  const auth = `Bearer ${token}`;
  if (!headers) return { authorization: auth };
  if (Array.isArray(headers)) return [...headers, 'authorization', auth];
  if (Symbol.iterator in Object(headers)) {
    return [...(headers as Iterable<[string, string | string[] | undefined]>), ['authorization', auth]] as Headers;
  }
  return { ...(headers as Record<string, string>), authorization: auth };
}

class BearerAgent extends Agent {
  constructor(private readonly token: string) {
    super();
  }
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return super.dispatch({ ...opts, headers: withBearer(opts.headers, this.token) }, handler);
  }
}

export function nodeWebClient(baseUrl: string, token: string): WebClient {
  const agent = new BearerAgent(token);
  const client = createWebClient({
    base: baseUrl,
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${token}` } }),
    EventSource: class extends EventSource {
      constructor(url: string, init?: { withCredentials?: boolean }) {
        super(url, { ...init, node: { dispatcher: agent } });
      }
    },
  });
  return {
    ...client,
    close() {
      client.close();
      void agent.close();
    },
  };
}
