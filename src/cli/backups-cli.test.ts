import { afterEach, describe, expect, test } from 'vitest';
import { cpSync, existsSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { cli } from '../test-support/cli';
import { tempDir, writeImage } from '../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

interface Listed {
  name: string;
  reason: string;
  createdAt: string;
}

async function listed(dir: string): Promise<Listed[]> {
  const r = await cli(['backups', dir, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { backups: Listed[] }).backups;
}

/** A project used only from the CLI: init, import 5 images, stats (which opens it once more). */
async function makeProject(root: string): Promise<string> {
  const dir = join(root, 'proj');
  expect((await cli(['init', dir, '--classes', 'cat,dog', '--json'])).code).toBe(0);
  for (let i = 0; i < 5; i++) await writeImage(join(root, 'data', `i${i}.png`), i, { format: 'png' });
  const imp = await cli(['import', dir, join(root, 'data'), '--json']);
  expect(imp.code, imp.stderr).toBe(0);
  return dir;
}

describe('backups from the command line and damaged databases', () => {
  test('a project used only from the CLI gets an automatic snapshot on open, once per interval; backups lists it', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = await makeProject(t.dir);
    // init and the import opened an empty project: nothing worth a snapshot yet.
    expect(await listed(dir)).toEqual([]);
    const stats = await cli(['stats', dir, '--json']);
    expect(JSON.parse(stats.stdout).images).toBe(5);
    const after = await listed(dir);
    expect(after.map((b) => b.reason)).toEqual(['auto']);
    // Opened again within the interval: no second snapshot.
    expect((await cli(['stats', dir, '--json'])).code).toBe(0);
    expect((await listed(dir)).map((b) => b.name)).toEqual([after[0]!.name]);

    const human = await cli(['backups', dir]);
    expect(human.stdout).toContain(after[0]!.name);
    const none = await cli(['backups', join(t.dir, 'nowhere'), '--json']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stderr).error.code).toBe('NOT_A_PROJECT');
  }, 120_000);

  const damages: Record<string, (file: string) => void> = {
    'a zero-byte file': (file) => truncateSync(file, 0),
    'garbage bytes': (file) => writeFileSync(file, randomBytes(64 * 1024)),
    'a truncated file': (file) => truncateSync(file, Math.floor(statSync(file).size / 2)),
  };

  for (const [what, damage] of Object.entries(damages)) {
    test(`${what} is refused with the newest backup and the restore command, left untouched, and restore brings the project back`, async () => {
      const t = tempDir();
      cleanup = t.cleanup;
      const dir = await makeProject(t.dir);
      // Enough rows that the file has many pages (a truncation then cuts into the tables).
      for (let i = 5; i < 40; i++) await writeImage(join(t.dir, 'more', `m${i}.png`), i, { format: 'png' });
      // This import's open takes the first auto snapshot: the 5 images before it.
      expect((await cli(['import', dir, join(t.dir, 'more'), '--json'])).code).toBe(0);
      expect(JSON.parse((await cli(['stats', dir, '--json'])).stdout).images).toBe(40);
      const [newest] = await listed(dir);
      expect(newest).toBeDefined();
      const file = join(dir, 'project.sqlite');
      expect(existsSync(`${file}-wal`)).toBe(false); // closed cleanly: the damage below is all there is
      damage(file);
      const damaged = readFileSync(file);

      for (const verb of [['stats', dir], ['import', dir, join(t.dir, 'data')]]) {
        const r = await cli([...verb, '--json']);
        expect(r.code, r.stderr).toBe(1);
        const error = JSON.parse(r.stderr.trim().split('\n').at(-1)!).error;
        expect(error.code).toBe('DATABASE_DAMAGED');
        expect(error.message).toContain(newest!.name);
        expect(error.message).toContain(`apprentice restore ${dir} --backup ${newest!.name}`);
      }
      const plain = await cli(['stats', dir]);
      expect(plain.code).toBe(1);
      expect(plain.stderr).toMatch(/damaged|empty/);
      // Never written: the same bytes, no WAL or shared memory left beside it.
      expect(readFileSync(file).equals(damaged)).toBe(true);
      expect(existsSync(`${file}-wal`)).toBe(false);
      expect(existsSync(`${file}-shm`)).toBe(false);

      // The verbs that help: list, then restore (the database cannot be opened, so it is set aside).
      expect((await listed(dir))[0]!.name).toBe(newest!.name);
      expect((await cli(['restore', dir, '--json'])).code).toBe(2);
      const r = await cli(['restore', dir, '--backup', newest!.name, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout);
      expect(result).toMatchObject({ dir, restored: newest!.name, safety: null });
      expect(readFileSync(result.setAside).equals(damaged)).toBe(true);
      const stats = await cli(['stats', dir, '--json']);
      expect(stats.code, stats.stderr).toBe(0);
      expect(JSON.parse(stats.stdout).images).toBe(5);
    }, 120_000);
  }

  test('restore of a healthy project from the CLI keeps a before-restore snapshot; an empty database with no project content is a new project', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = await makeProject(t.dir);
    expect((await cli(['stats', dir, '--json'])).code).toBe(0);
    const [auto] = await listed(dir);
    for (let i = 50; i < 53; i++) await writeImage(join(t.dir, 'late', `l${i}.png`), i, { format: 'png' });
    expect((await cli(['import', dir, join(t.dir, 'late'), '--json'])).code).toBe(0);
    const r = await cli(['restore', dir, '--backup', auto!.name, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.setAside).toBeNull();
    expect(result.safety.reason).toBe('before-restore');
    expect(JSON.parse((await cli(['stats', dir, '--json'])).stdout).images).toBe(5);
    expect((await cli(['restore', dir, '--backup', result.safety.name, '--json'])).code).toBe(0);
    expect(JSON.parse((await cli(['stats', dir, '--json'])).stdout).images).toBe(8);
    const bad = await cli(['restore', dir, '--backup', '../proj/project.sqlite', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr).error.code).toBe('INVALID_INPUT');

    // A folder with only an empty project.sqlite (nothing in media/, no backups) is simply a new project.
    const fresh = join(t.dir, 'fresh');
    cpSync(dir, fresh, { recursive: true, filter: (src) => !src.includes('media') && !src.includes('backups') && !src.includes('cache') });
    truncateSync(join(fresh, 'project.sqlite'), 0);
    const s = await cli(['stats', fresh, '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout).images).toBe(0);
    expect(readdirSync(fresh)).toContain('project.sqlite');
  }, 120_000);
});
