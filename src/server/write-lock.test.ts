import { afterEach, describe, expect, test } from 'vitest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { join } from 'node:path';
import { AppService } from '../service';
import { withWriteLock } from '../store';
import { tempDir } from '../test-support/fixtures';
import { startWebServer, type WebServer } from './web-server';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

/** Another process that takes the project's write lock and holds it until told to commit (a line on stdin). */
async function holdWriteLock(database: string): Promise<ChildProcessWithoutNullStreams> {
  const script = `
    const Database = require(process.argv[1]);
    const db = new Database(process.argv[2]);
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['-e', script, BETTER_SQLITE3, database], { stdio: ['pipe', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
  });
  return child;
}

function post(server: WebServer, method: string, body: unknown): Promise<{ status: number; body: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      { host: '127.0.0.1', port: server.port, path: `/api/${method}`, method: 'POST', headers: { Host: `127.0.0.1:${server.port}`, Authorization: 'Bearer tok', 'Content-Type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe('serve while another process holds the write lock', () => {
  test('reads and app.info are answered while a write waits for the lock; the write lands once it is released', async () => {
    const t = tempDir();
    const workspace = join(t.dir, 'ws');
    const service = new AppService({ transport: 'web', workspace, autoBackupMs: 0 });
    const server = await startWebServer({ service, token: 'tok', staticDir: join(t.dir, 'static') });
    let child: ChildProcessWithoutNullStreams | null = null;
    cleanup = async () => {
      child?.kill();
      await server.close();
      await service.close();
      t.cleanup();
    };
    await service.invoke('project.create', { dir: join(workspace, 'p'), classes: ['a'] });
    child = await holdWriteLock(join(workspace, 'p', 'project.sqlite'));

    const order: string[] = [];
    const write = post(server, 'classes.add', { name: 'b' }).then((r) => (order.push('classes.add'), r));
    // Let the write reach the server and start waiting for the lock before the reads are sent.
    await new Promise((r) => setTimeout(r, 500));
    const info = await post(server, 'app.info', {}).then((r) => (order.push('app.info'), r));
    const list = await post(server, 'images.list', {}).then((r) => (order.push('images.list'), r));
    expect(info.body.ok).toBe(true);
    expect(list.body.ok).toBe(true);
    // The lock is still held: the write has not been answered, and nothing blocked the reads.
    expect(order).toEqual(['app.info', 'images.list']);

    child.stdin.write('commit\n');
    const written = await write;
    expect(written.body, JSON.stringify(written.body)).toMatchObject({ ok: true, value: { name: 'b' } });
    expect(order).toEqual(['app.info', 'images.list', 'classes.add']);
    expect((await service.invoke('classes.list', {})).map((c) => c.name)).toEqual(['a', 'b']);
  }, 60_000);

  test('a write that cannot get the lock within its limit is refused with CONFLICT naming another process, and changes nothing', async () => {
    const t = tempDir();
    const service = new AppService({ transport: 'in-process', autoBackupMs: 0 });
    let child: ChildProcessWithoutNullStreams | null = null;
    cleanup = async () => {
      child?.kill();
      await service.close();
      t.cleanup();
    };
    await service.invoke('project.create', { dir: join(t.dir, 'p'), classes: ['a'] });
    child = await holdWriteLock(join(t.dir, 'p', 'project.sqlite'));
    const db = service['session']!.db;
    let ran = false;
    const err = await withWriteLock(db, () => (ran = true), { waitMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/another Apprentice window or command/) });
    expect(ran).toBe(false);
    expect(db.inTransaction).toBe(false);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  }, 60_000);
});
