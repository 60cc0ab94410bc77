import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_NAMES } from '../api/contract';
import { AppError, toErrorPayload } from '../api/errors';
import { isMethod } from '../api/methods';
import type { AppService } from '../service';
import { allowedHostHeaders, parseCookies, sameOriginRequest, setSecurityHeaders } from './security';
import { tokenMatches } from './token';
import { sendFile, serveStatic } from './static';

export interface WebServerOptions {
  service: AppService;
  token: string;
  /** The built renderer (out/renderer); null serves the API only. */
  staticDir: string | null;
  host?: string;
  port?: number;
  /** Largest API request body in bytes. */
  maxBodyBytes?: number;
}

export interface WebServer {
  url: string;
  /** The URL to open in a browser: carries the token once, which then lives in a cookie. */
  openUrl: string;
  port: number;
  close(): Promise<void>;
}

const COOKIE = 'apprentice_token';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, err: AppError): void {
  sendJson(res, status, { ok: false, error: err.toPayload() });
}

const STATUS_FOR: Record<string, number> = {
  INVALID_INPUT: 400, UNSUPPORTED: 400, NOT_FOUND: 404, NOT_A_PROJECT: 404, UNAUTHORIZED: 401, PATH_OUTSIDE_PROJECT: 403,
  CONFLICT: 409, NO_PROJECT: 409, PROJECT_EXISTS: 409, DATABASE_TOO_NEW: 409, DATABASE_DAMAGED: 409, CANCELLED: 409, IO_ERROR: 507,
};

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError('INVALID_INPUT', `The request is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The web transport of AppApi, for `apprentice serve` and the e2e tests:
 *   POST /api/<method>   JSON input -> JSON reply { ok, value | error }
 *   GET  /events         Server-Sent Events: jobProgress, jobDone, projectChanged
 *   GET  /media/<key>/<id>/thumb|full   image files, by the open project's media key and image id only
 *   GET  /*              the built renderer
 * Every request needs the session token (cookie set from ?token=, or an Authorization: Bearer
 * header for scripts); Host and Origin must be this server's; no CORS headers are ever sent.
 */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  let allowedHosts = new Set<string>();

  const authorized = (req: IncomingMessage): boolean => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return tokenMatches(opts.token, auth.slice(7));
    return tokenMatches(opts.token, parseCookies(req.headers.cookie)[COOKIE]);
  };

  const server = createServer(async (req, res) => {
    setSecurityHeaders(res);
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (!sameOriginRequest(req, allowedHosts)) {
        sendError(res, 403, new AppError('UNAUTHORIZED', 'Cross-origin requests are not allowed.'));
        return;
      }
      // Opening the printed URL: trade the token in the query for a cookie, then drop it from the address bar.
      const queryToken = url.searchParams.get('token');
      if (req.method === 'GET' && queryToken !== null) {
        if (!tokenMatches(opts.token, queryToken)) {
          sendError(res, 401, new AppError('UNAUTHORIZED', 'Wrong access token: use the URL that "apprentice serve" printed.'));
          return;
        }
        res.setHeader('Set-Cookie', `${COOKIE}=${encodeURIComponent(opts.token)}; HttpOnly; SameSite=Strict; Path=/`);
        url.searchParams.delete('token');
        res.writeHead(303, { Location: url.pathname + (url.search || '') }).end();
        return;
      }
      if (!authorized(req)) {
        sendError(res, 401, new AppError('UNAUTHORIZED', 'Missing or wrong access token: open the URL that "apprentice serve" printed.'));
        return;
      }

      if (url.pathname.startsWith('/api/')) {
        const method = url.pathname.slice(5);
        if (req.method !== 'POST') {
          sendError(res, 405, new AppError('INVALID_INPUT', 'API calls are POST requests.'));
          return;
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          sendError(res, 415, new AppError('INVALID_INPUT', 'API calls send JSON (Content-Type: application/json).'));
          return;
        }
        if (!isMethod(method)) {
          sendError(res, 404, new AppError('NOT_FOUND', `Unknown method "${method}".`));
          return;
        }
        const body = await readBody(req, maxBody);
        let input: unknown;
        try {
          input = body ? JSON.parse(body) : {};
        } catch {
          sendError(res, 400, new AppError('INVALID_INPUT', 'The request body is not valid JSON.'));
          return;
        }
        const reply = await opts.service.handle(method, input);
        sendJson(res, reply.ok ? 200 : (STATUS_FOR[reply.error.code] ?? 500), reply);
        return;
      }

      if (url.pathname === '/events' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
        res.write(': connected\n\n');
        const offs = EVENT_NAMES.map((name) =>
          opts.service.on(name, (payload) => res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)),
        );
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(ping);
          offs.forEach((off) => off());
        });
        return;
      }

      const media = /^\/media\/([0-9a-f]{16})\/(\d{1,12})\/(thumb|full)$/.exec(url.pathname);
      if (media && req.method === 'GET') {
        // The key makes the URL one project's (ProjectInfo.mediaKey), so an hour of caching is safe.
        const file = opts.service.mediaFile(Number(media[2]), media[3] as 'thumb' | 'full', media[1]);
        // Opened before the headers go out: a file removed since mediaFile's check answers 404, and the server stays up.
        if (!(await sendFile(res, file.path, { 'Content-Type': file.contentType, 'Cache-Control': 'private, max-age=3600' }))) {
          sendError(res, 404, new AppError('NOT_FOUND', `The file of image ${media[2]} is missing from the project or cannot be read.`));
        }
        return;
      }
      if (url.pathname.startsWith('/media/')) {
        sendError(res, 404, new AppError('NOT_FOUND', 'Images are addressed as /media/<key>/<id>/thumb or /media/<key>/<id>/full.'));
        return;
      }

      if (req.method !== 'GET' || !opts.staticDir) {
        sendError(res, 404, new AppError('NOT_FOUND', 'Not found.'));
        return;
      }
      await serveStatic(opts.staticDir, url.pathname, res);
    } catch (err) {
      const payload = toErrorPayload(err);
      if (!res.headersSent) sendJson(res, STATUS_FOR[payload.code] ?? 500, { ok: false, error: payload });
      else res.end();
    }
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = allowedHostHeaders(host, port);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
  return {
    url,
    openUrl: `${url}/?token=${opts.token}`,
    port,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
