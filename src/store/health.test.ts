import { afterEach, describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test-support/fixtures';
import { autoSnapshotIfDue, createProject, insertImage, listBackups, openProject, paletteColor } from '.';

let cleanup = () => {};
afterEach(() => cleanup());

function touch(path: string, ageMs: number): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(path, t, t);
  return path;
}

describe('housekeeping on open', () => {
  test('temp files a killed import left in media/ and cache/ are removed on open; fresh ones, other names and other folders are kept', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'p');
    createProject(dir, 'classify', [], paletteColor).close();
    const hour = 60 * 60 * 1000;
    const sha = 'ab'.padEnd(64, '3');
    const leftovers = [
      touch(join(dir, 'media', 'ab', `${sha}.png.0123456789ab.tmp`), hour),
      touch(join(dir, 'cache', 'thumbs', 'ab', `${sha}.webp.a1b2c3d4e5f6.tmp`), hour),
      touch(join(dir, 'cache', 'display', 'ab', `${sha}.webp.ffffffffffff.tmp`), 2 * hour),
    ];
    const kept = [
      // Being written right now by an import in another process.
      touch(join(dir, 'media', 'cd', `${sha}.png.00000000beef.tmp`), 0),
      // Not the atomic-write naming, or not in media/ or cache/.
      touch(join(dir, 'media', 'notes.tmp'), hour),
      touch(join(dir, 'media', 'ab', `${sha}.png`), hour),
      touch(join(dir, 'models', 'm1', 'weights.bin.0123456789ab.tmp'), hour),
      touch(join(dir, 'x.0123456789ab.tmp'), hour),
    ];
    // A link inside media/ to a folder elsewhere is not followed.
    const elsewhere = touch(join(t.dir, 'elsewhere', 'y.png.0123456789ab.tmp'), hour);
    symlinkSync(join(t.dir, 'elsewhere'), join(dir, 'media', 'linked'));

    openProject(dir).close();
    expect(leftovers.filter((p) => existsSync(p))).toEqual([]);
    expect([...kept, elsewhere].filter((p) => !existsSync(p))).toEqual([]);
  });

  test('an auto snapshot is due when the newest auto one is older than the interval, or there is none and the project has images', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const h = createProject(join(t.dir, 'p'), 'classify', ['a'], paletteColor);
    try {
      const interval = 30 * 60 * 1000;
      const start = Date.parse('2024-05-01T10:00:00.000Z');
      expect(autoSnapshotIfDue(h.db, h.paths.backups, interval, { now: new Date(start) })).toBeNull(); // no images yet
      h.db.transaction(() => insertImage(h.db, { sha256: '1'.padStart(64, '0'), originalPath: '/x/1.png', fileName: '1.png', mediaPath: 'm/1', width: 4, height: 4, format: 'png', bytes: 1, split: 'unlabeled' }))();
      expect(autoSnapshotIfDue(h.db, h.paths.backups, interval, { now: new Date(start) })?.reason).toBe('auto');
      expect(autoSnapshotIfDue(h.db, h.paths.backups, interval, { now: new Date(start + interval - 1) })).toBeNull();
      expect(autoSnapshotIfDue(h.db, h.paths.backups, interval, { now: new Date(start + interval) })?.createdAt).toBe('2024-05-01T10:30:00.000Z');
      expect(listBackups(h.paths.backups).map((b) => b.reason)).toEqual(['auto', 'auto']);
    } finally {
      h.close();
    }
  });
});
