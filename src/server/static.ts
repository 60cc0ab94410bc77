import { open } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { isInside } from '../service/paths';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * Send one file: it is opened (and checked to be a regular file) before any header goes out, so a
 * file that is missing, a directory or unreadable (removed since the caller checked it) answers
 * false and the caller a proper status; a read error mid-way ends this response only
 * (stream.pipeline destroys both sides), never the server.
 */
export async function sendFile(res: ServerResponse, file: string, headers: OutgoingHttpHeaders): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      await handle.close();
      return false;
    }
    res.writeHead(200, { ...headers, 'Content-Length': st.size });
  } catch {
    await handle.close().catch(() => {});
    return false;
  }
  try {
    await pipeline(handle.createReadStream(), res);
  } catch {
    // The client went away or the file failed mid-read: pipeline destroyed the response and closed the file.
  }
  return true;
}

/** Serve one file of the built renderer; anything not found falls back to index.html (one-page app). */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    res.writeHead(400).end('bad path');
    return;
  }
  const file = join(root, rel);
  if (!isInside(root, file)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  if (await sendFile(res, file, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })) return;
  const index = join(root, 'index.html');
  if (await sendFile(res, index, { 'Content-Type': TYPES['.html'] })) return;
  res.writeHead(500, { 'Content-Type': 'text/plain' }).end('The studio is not built: run "npm run build" first.');
}
