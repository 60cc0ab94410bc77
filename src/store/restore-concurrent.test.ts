import { afterEach, describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppService } from '../service';
import { cli } from '../test-support/cli';
import { tempDir, writeImage } from '../test-support/fixtures';
import { openDatabase } from '.';

let cleanup = () => {};
let service: AppService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
  cleanup();
});

async function writeImages(dir: string, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) await writeImage(join(dir, `img-${i}.png`), i, { format: 'png', width: 8 + (i % 13), height: 8 + (i % 7) });
}

function imageCount(file: string): number {
  const db = openDatabase(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM images').pluck().get() as number;
  } finally {
    db.close();
  }
}

async function waitFor(what: string, limitMs: number, check: () => boolean): Promise<void> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`gave up after ${limitMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('restore while another process writes', () => {
  test('a CLI import running during a restore keeps every write it acknowledged after the restore', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'p');
    service = new AppService({ transport: 'in-process', autoBackupMs: 0 });
    await service.invoke('project.create', { dir, classes: [] });

    // The backup holds 30 images; 20 more are added after it, so a restore visibly changes the project.
    await writeImages(join(t.dir, 'a'), 0, 30);
    expect((await cli(['import', dir, join(t.dir, 'a'), '--json'])).code).toBe(0);
    const backup = await service.invoke('backups.create', {});
    await writeImages(join(t.dir, 'b'), 1000, 20);
    expect((await cli(['import', dir, join(t.dir, 'b'), '--json'])).code).toBe(0);
    const before = imageCount(join(dir, 'project.sqlite'));
    expect(before).toBe(50);

    // A big import (batches of 200 images per transaction) in another process; the restore runs once
    // its first batch has committed, while it is still importing.
    await writeImages(join(t.dir, 'c'), 2000, 700);
    const running = cli(['import', dir, join(t.dir, 'c'), '--json']);
    let ended = false;
    void running.then(() => (ended = true));
    await waitFor('the import to commit its first batch', 120_000, () => ended || imageCount(join(dir, 'project.sqlite')) > before);
    expect(ended, 'the import ended before the restore could run; make it bigger').toBe(false);
    const restored = await service.invoke('backups.restore', { name: backup.name });
    const imp = await running;
    expect(imp.code, imp.stderr).toBe(0);
    const acknowledged = JSON.parse(imp.stdout).imported as number;
    expect(acknowledged).toBe(700);

    // The safety snapshot is the state the restore replaced: the 50 images plus the import's batches
    // committed before it. Every image the import acknowledged after that must be in the restored project.
    const replaced = imageCount(join(dir, 'backups', restored.safety.name));
    const committedBefore = replaced - before;
    const committedAfter = acknowledged - committedBefore;
    expect(committedBefore).toBeGreaterThan(0);
    expect(committedAfter, 'the restore ran after the import had finished writing').toBeGreaterThan(0);

    const db = service['session']!.db;
    expect(db.prepare('SELECT count(*) FROM images').pluck().get()).toBe(30 + committedAfter);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const paths = db.prepare('SELECT media_path FROM images').pluck().all() as string[];
    expect(paths.filter((p) => !existsSync(join(dir, p)))).toEqual([]);

    // The same from a fresh process: nothing lives only in this connection's view.
    const stats = await cli(['stats', dir, '--json']);
    expect(JSON.parse(stats.stdout).images).toBe(30 + committedAfter);
  }, 300_000);
});
