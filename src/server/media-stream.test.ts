import { afterEach, describe, expect, test } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { AppService } from '../service';
import { startWebServer } from './web-server';
import { tempDir, writeImage } from '../test-support/fixtures';

const BIN = resolve(import.meta.dirname, '../../bin/apprentice.js');

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

/** `apprentice serve` as a user runs it; resolves with its printed URL once it listens (60 s at most). */
function startServe(dir: string): Promise<{ child: ChildProcess; port: number; token: string; exited: () => boolean }> {
  const child = spawn(process.execPath, [BIN, 'serve', dir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  child.on('exit', () => (exited = true));
  return new Promise((done, reject) => {
    let stdout = '';
    let stderr = '';
    const limit = setTimeout(() => reject(new Error(`serve printed no URL within 60 s; stderr: ${stderr}`)), 60_000);
    child.stderr!.on('data', (c) => (stderr += c));
    child.stdout!.on('data', (c) => {
      stdout += c;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(limit);
      const { url, port } = JSON.parse(line) as { url: string; port: number };
      done({ child, port, token: new URL(url).searchParams.get('token')!, exited: () => exited });
    });
    child.on('exit', (code) => {
      clearTimeout(limit);
      reject(new Error(`serve exited (${code}) before printing its URL; stderr: ${stderr}`));
    });
  });
}

function get(port: number, token: string, path: string) {
  return new Promise<{ status: number; body: Buffer } | { aborted: string }>((done) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, body: Buffer.concat(chunks) }));
      res.on('error', (e) => done({ aborted: e.message }));
    });
    req.on('error', (e) => done({ aborted: e.message }));
    req.end();
  });
}

/** The open project's media key, as the studio page reads it (project.current). */
function mediaKey(port: number, token: string): Promise<string> {
  return new Promise((done, reject) => {
    const body = '{}';
    const req = request(
      { host: '127.0.0.1', port, path: '/api/project.current', method: 'POST', headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => done((JSON.parse(text) as { value: { mediaKey: string } }).value.mediaKey));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve streams image files', () => {
  test('an image file that cannot be read answers an error status, and the server keeps serving', async () => {
    const t = tempDir();
    const dir = join(t.dir, 'proj');
    const service = new AppService({ transport: 'in-process' });
    await service.invoke('project.create', { dir, classes: ['a', 'b'] });
    await writeImage(join(t.dir, 'in', 'one.png'), 1, { format: 'png' });
    await writeImage(join(t.dir, 'in', 'two.png'), 2, { format: 'png' });
    await service.waitForJob((await service.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'in')], format: 'folder' } })).jobId);
    const [one, two] = (await service.invoke('images.list', {})).items.sort((a, b) => a.id - b.id);
    const broken = service.mediaFile(one!.id, 'full').path;
    const good = service.mediaFile(two!.id, 'full').path;
    await service.close();

    const serve = await startServe(dir);
    cleanup = async () => {
      if (!serve.exited()) {
        const gone = new Promise((r) => serve.child.once('exit', r));
        serve.child.kill('SIGTERM');
        await gone;
      }
      t.cleanup();
    };
    const key = await mediaKey(serve.port, serve.token);
    expect(await get(serve.port, serve.token, `/media/${key}/${one!.id}/full`)).toMatchObject({ status: 200 });

    // The file goes away after the server's existence check would pass: a directory in its place
    // exists (as a file removed between the check and the open would have), but cannot be read.
    rmSync(broken);
    mkdirSync(broken);
    const failed = await get(serve.port, serve.token, `/media/${key}/${one!.id}/full`);
    expect(failed).toMatchObject({ status: 404 });
    expect('body' in failed && JSON.parse(failed.body.toString()).error.code).toBe('NOT_FOUND');

    // The server is still up: the next image is served whole.
    const next = await get(serve.port, serve.token, `/media/${key}/${two!.id}/full`);
    expect(next).toMatchObject({ status: 200 });
    expect('body' in next && next.body.equals(readFileSync(good))).toBe(true);
    expect(serve.exited()).toBe(false);
  });

  test('a studio page that cannot be read answers an error status, and the server keeps serving', async () => {
    const t = tempDir();
    const staticDir = join(t.dir, 'static');
    mkdirSync(join(staticDir, 'index.html'), { recursive: true }); // exists, but is no file
    mkdirSync(join(staticDir, 'assets'));
    writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1);');
    const service = new AppService({ transport: 'web', workspace: join(t.dir, 'ws') });
    const server = await startWebServer({ service, token: 'tok', staticDir });
    cleanup = async () => {
      await server.close();
      await service.close();
      t.cleanup();
    };
    expect(await get(server.port, 'tok', '/')).toMatchObject({ status: 500 });
    const js = await get(server.port, 'tok', '/assets/app.js');
    expect(js).toMatchObject({ status: 200 });
    expect('body' in js && js.body.toString()).toBe('console.log(1);');
  });
});
