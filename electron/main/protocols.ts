import { net, protocol } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import type { AppService } from '../../src/service';
import { isInside } from '../../src/service';
import { CONTENT_SECURITY_POLICY } from '../../src/server';

/** Must run before app 'ready': our schemes behave like https (secure, standard, fetchable). */
export function registerSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: 'apprentice-media', privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** app://studio/... serves the built renderer; apprentice-media://media/<key>/<id>/<kind> serves the open project's images by id. */
export function handleProtocols(rendererDir: string, service: AppService): void {
  protocol.handle('app', async (request) => {
    const url = new URL(request.url);
    let file = join(rendererDir, decodeURIComponent(url.pathname));
    if (!isInside(rendererDir, file)) return new Response('forbidden', { status: 403 });
    if (!existsSync(file) || url.pathname === '/') file = join(rendererDir, 'index.html');
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY.replace("img-src 'self' data: blob:", "img-src 'self' data: blob: apprentice-media:"));
    return new Response(res.body, { status: res.status, headers });
  });
  protocol.handle('apprentice-media', async (request) => {
    const match = /^\/([0-9a-f]{16})\/(\d{1,12})\/(thumb|full)$/.exec(new URL(request.url).pathname);
    if (!match) return new Response('not found', { status: 404 });
    try {
      const file = service.mediaFile(Number(match[2]), match[3] as 'thumb' | 'full', match[1]);
      return net.fetch(pathToFileURL(file.path).toString());
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
