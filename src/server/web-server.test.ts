import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { AppService } from '../service';
import { startWebServer, type WebServer } from './web-server';
import { tempDir, writeImage } from '../test-support/fixtures';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

async function setup() {
  const t = tempDir();
  const workspace = join(t.dir, 'ws');
  const staticDir = join(t.dir, 'static');
  mkdirSync(staticDir, { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  writeFileSync(join(t.dir, 'secret.txt'), 'outside');
  const service = new AppService({ transport: 'web', workspace });
  const server = await startWebServer({ service, token: 'tok-123', staticDir, maxBodyBytes: 4096 });
  cleanup = async () => {
    await server.close();
    await service.close();
    t.cleanup();
  };
  return { t, server, service, workspace };
}

/** A raw request, so tests can send paths and headers that fetch() would normalize away. */
function raw(server: WebServer, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let data = '';
      res.on('data', (c) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const auth = { Authorization: 'Bearer tok-123' };

describe('web transport security', () => {
  test('every route needs the token; the printed URL trades it for a strict cookie', async () => {
    const { server } = await setup();
    expect((await raw(server, '/')).status).toBe(401);
    expect((await raw(server, '/api/app.info', { 'Content-Type': 'application/json' }, 'POST', '{}')).status).toBe(401);
    expect((await raw(server, '/?token=wrong')).status).toBe(401);
    const open = await raw(server, '/?token=tok-123');
    expect(open.status).toBe(303);
    expect(open.headers.location).toBe('/');
    const cookie = String(open.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await raw(server, '/', { Cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('cross-origin and DNS-rebinding requests are refused', async () => {
    const { server } = await setup();
    const evil = await raw(server, '/api/app.info', { ...auth, 'Content-Type': 'application/json', Origin: 'http://evil.example' }, 'POST', '{}');
    expect(evil.status).toBe(403);
    const rebinding = await raw(server, '/api/app.info', { ...auth, 'Content-Type': 'application/json', Host: `evil.example:${server.port}` }, 'POST', '{}');
    expect(rebinding.status).toBe(403);
    const ok = await raw(server, '/api/app.info', { ...auth, 'Content-Type': 'application/json' }, 'POST', '{}');
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { transport: 'web' } });
  });

  test('unknown fields, oversized bodies and non-JSON requests are rejected with codes', async () => {
    const { server } = await setup();
    const json = { ...auth, 'Content-Type': 'application/json' };
    const extra = await raw(server, '/api/app.info', json, 'POST', '{"x":1}');
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.body).error.code).toBe('INVALID_INPUT');
    expect((await raw(server, '/api/app.info', json, 'POST', `{"pad":"${'x'.repeat(5000)}"}`)).status).toBe(400);
    expect((await raw(server, '/api/app.info', { ...auth, 'Content-Type': 'text/plain' }, 'POST', '{}')).status).toBe(415);
    expect((await raw(server, '/api/app.info', json, 'POST', '{nope')).status).toBe(400);
    expect((await raw(server, '/api/no.such', json, 'POST', '{}')).status).toBe(404);
  });

  test('paths never escape: static traversal, media by id only, projects only inside the workspace', async () => {
    const { server, service, t } = await setup();
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2f%2e%2e%2fsecret.txt']) {
      const r = await raw(server, p, auth);
      expect(r.body).not.toContain('outside');
    }
    for (const p of ['/media/../../secret.txt', '/media/%2e%2e%2fsecret.txt', '/media/1/../../x', '/media/abc/thumb']) {
      const r = await raw(server, p, auth);
      // Either refused, or (after URL normalization removed the dots) the studio page itself.
      if (r.status === 200) expect(r.body).toContain('<title>studio</title>');
      else expect([403, 404, 409]).toContain(r.status);
      expect(r.body).not.toContain('outside');
    }
    const json = { ...auth, 'Content-Type': 'application/json' };
    for (const dir of ['../escape', '/tmp/elsewhere', 'a/../../escape']) {
      const r = await raw(server, '/api/project.create', json, 'POST', JSON.stringify({ dir }));
      expect(JSON.parse(r.body).error.code).toBe('PATH_OUTSIDE_PROJECT');
    }
    // A symlink inside the workspace that points outside it is refused too.
    mkdirSync(join(t.dir, 'ws'), { recursive: true });
    symlinkSync(t.dir, join(t.dir, 'ws', 'link-out'));
    const viaLink = await raw(server, '/api/project.create', json, 'POST', JSON.stringify({ dir: 'link-out/p' }));
    expect(JSON.parse(viaLink.body).error.code).toBe('PATH_OUTSIDE_PROJECT');
    // Media by id works inside the project.
    await service.invoke('project.create', { dir: 'p1' });
    await writeImage(join(t.dir, 'img.jpg'), 3);
    const { jobId } = await service.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'img.jpg')] } });
    await service.waitForJob(jobId);
    const id = (await service.invoke('images.list', {})).items[0]!.id;
    const key = (await service.invoke('project.current', {}))!.mediaKey;
    const thumb = await raw(server, `/media/${key}/${id}/thumb`, auth);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect((await raw(server, `/media/${key}/${id}/thumb`)).status).toBe(401);
    // The URL is one opening's: without the key, or with another project's, there is no image.
    expect((await raw(server, `/media/${id}/thumb`, auth)).status).toBe(404);
    expect((await raw(server, `/media/${'0'.repeat(16)}/${id}/thumb`, auth)).status).toBe(404);
    await service.invoke('project.close', {});
    await service.invoke('project.create', { dir: 'p2' });
    expect((await raw(server, `/media/${key}/${id}/thumb`, auth)).status).toBe(404);
  });
});
