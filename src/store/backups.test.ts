import { afterEach, describe, expect, test } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppService } from '../service';
import { CheckedService } from '../test-support/checking-replies';
import { AppError } from '../api/errors';
import { tempDir } from '../test-support/fixtures';
import { createProject, insertImage, LATEST_VERSION, listBackups, migrate, MIGRATIONS, openDatabase, paletteColor, restoreProject, snapshot } from '.';

let cleanup = () => {};
let service: AppService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
  cleanup();
});

function fakeImage(i: number) {
  return { sha256: String(i).padStart(64, '0'), originalPath: `/x/${i}.png`, fileName: `${i}.png`, mediaPath: `m/${i}`, width: 4, height: 4, format: 'png', bytes: 1, split: 'unlabeled' as const };
}

describe('backups', () => {
  test('snapshot writes a whole database under <reason>-<time>.sqlite, lists it, and keeps only the last N automatic ones', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const h = createProject(join(t.dir, 'p'), 'classify', ['a'], paletteColor);
    try {
      h.db.transaction(() => insertImage(h.db, fakeImage(1)))();
      const start = Date.parse('2024-05-01T10:00:00.000Z');
      for (let i = 0; i < 5; i++) snapshot(h.db, h.paths.backups, 'auto', { keep: 3, now: new Date(start + i * 60_000) });
      const manual = snapshot(h.db, h.paths.backups, 'manual', { keep: 3, now: new Date(start + 10 * 60_000) });
      // Two in the same millisecond get distinct names instead of overwriting.
      const twin = snapshot(h.db, h.paths.backups, 'manual', { keep: 3, now: new Date(start + 10 * 60_000) });
      expect(twin.name).not.toBe(manual.name);

      const list = listBackups(h.paths.backups);
      expect(list.map((b) => b.name)).toEqual([
        twin.name,
        'manual-2024-05-01T10-10-00-000Z.sqlite',
        'auto-2024-05-01T10-04-00-000Z.sqlite',
        'auto-2024-05-01T10-03-00-000Z.sqlite',
        'auto-2024-05-01T10-02-00-000Z.sqlite',
      ]);
      expect(list[1]).toMatchObject({ reason: 'manual', createdAt: '2024-05-01T10:10:00.000Z' });
      expect(list.every((b) => b.size > 0)).toBe(true);
      // No temp file is left behind, and the snapshot is a database holding the data.
      expect(readdirSync(h.paths.backups).filter((n) => n.endsWith('.tmp'))).toEqual([]);
      const copy = openDatabase(join(h.paths.backups, list[2]!.name), { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.prepare('SELECT count(*) FROM images').pluck().get()).toBe(1);
      copy.close();
      expect(() => snapshot(h.db, h.paths.backups, '../evil')).toThrow(AppError);
    } finally {
      h.close();
    }
  });

  test('restore brings back the data of the snapshot and keeps a before-restore snapshot, so it can be undone', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'p');
    service = new CheckedService({ transport: 'in-process' });
    const info = await service.invoke('project.create', { dir, classes: ['cat', 'dog'] });
    const s = service['session']!;
    const ids = s.db.transaction(() => [1, 2, 3].map((i) => insertImage(s.db, fakeImage(i))))();
    const cat = info.classes[0]!.id;
    const dog = info.classes[1]!.id;
    await service.invoke('labels.setClass', { imageIds: ids, classId: cat });
    const backup = await service.invoke('backups.create', {});
    expect(backup.reason).toBe('manual');

    // After the backup: relabel everything and add a class.
    await service.invoke('labels.setClass', { imageIds: ids, classId: dog });
    await service.invoke('classes.add', { name: 'bird' });
    expect((await service.invoke('stats.get', {})).classes.map((c) => c.count)).toEqual([0, 3, 0]);

    const r = await service.invoke('backups.restore', { name: backup.name });
    expect(r.restored).toBe(backup.name);
    expect(r.safety.reason).toBe('before-restore');
    expect(r.project.classes.map((c) => c.name)).toEqual(['cat', 'dog']);
    const stats = await service.invoke('stats.get', {});
    expect(stats.classes).toEqual([{ name: 'cat', count: 3, regions: 0 }, { name: 'dog', count: 0, regions: 0 }]);
    expect(service['session']!.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(existsSync(`${dir}/project.sqlite.restore.tmp`)).toBe(false);

    // Undo the restore with the before-restore snapshot: the relabeled state is back.
    await service.invoke('backups.restore', { name: r.safety.name });
    expect((await service.invoke('stats.get', {})).classes).toEqual([{ name: 'cat', count: 0, regions: 0 }, { name: 'dog', count: 3, regions: 0 }, { name: 'bird', count: 0, regions: 0 }]);
    const reasons = (await service.invoke('backups.list', {})).map((b) => b.reason).sort();
    expect(reasons).toEqual(['before-restore', 'before-restore', 'manual']);

    // Survives closing and reopening (the WAL of the old database was not applied to the new one).
    await service.invoke('project.close', {});
    await service.invoke('project.open', { dir });
    expect((await service.invoke('stats.get', {})).classes.map((c) => c.count)).toEqual([0, 3, 0]);
  });

  test('a backup from an older schema is migrated and restored in place: region counts from the backup, history kept, the append-only guard back on', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'p');
    service = new CheckedService({ transport: 'in-process', autoBackupMs: 0 });
    await service.invoke('project.create', { dir, task: 'detect', classes: ['x', 'y', 'z'] });
    const s = service['session']!;
    s.db.transaction(() => [1, 2].map((i) => insertImage(s.db, fakeImage(i))))();

    // A schema-1 database, as an old Apprentice wrote it: one class, one image, two boxes and their history.
    const old = openDatabase(join(dir, 'backups', 'manual-2020-01-01T00-00-00-000Z.sqlite'));
    migrate(old, { migrations: MIGRATIONS.slice(0, 1) });
    old.exec(`
      INSERT INTO classes (id, name, color, position) VALUES (1, 'cat', '#ff0000', 0);
      INSERT INTO images (id, sha256, original_path, file_name, media_path, width, height, format, bytes, split)
        VALUES (7, '${'7'.repeat(64)}', '/x/7.png', '7.png', 'm/7', 4, 4, 'png', 1, 'train');
      INSERT INTO annotations (id, image_id, class_id, kind, geometry, source, status) VALUES
        (1, 7, 1, 'box', '{"x":0,"y":0,"w":0.5,"h":0.5}', 'human', 'accepted'),
        (2, 7, 1, 'box', '{"x":0.5,"y":0.5,"w":0.5,"h":0.5}', 'human', 'accepted');
      INSERT INTO annotation_history (annotation_id, image_id, action, after) VALUES (1, 7, 'create', '{}'), (2, 7, 'create', '{}');
    `);
    old.close();

    const r = await service.invoke('backups.restore', { name: 'manual-2020-01-01T00-00-00-000Z.sqlite' });
    expect(r.project.classes.map((c) => c.name)).toEqual(['cat']);
    const db = s.db;
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(db.prepare('SELECT id FROM images').pluck().all()).toEqual([7]);
    expect((await service.invoke('stats.get', {})).classes).toEqual([{ name: 'cat', count: 0, regions: 2 }]);
    expect(db.prepare('SELECT count(*) FROM annotation_history').pluck().get()).toBe(2);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").pluck().get()).toBeGreaterThanOrEqual(6);
    expect(() => db.prepare('DELETE FROM annotation_history').run()).toThrow(/append-only/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // The counters run again after the restore.
    await service.invoke('shapes.create', { imageId: 7, shapes: [{ kind: 'box', classId: r.project.classes[0]!.id, geometry: { x: 0.1, y: 0.1, w: 0.2, h: 0.2 } }] });
    expect((await service.invoke('stats.get', {})).classes[0]!.regions).toBe(3);
    // The safety snapshot holds the two images the restore replaced.
    const safety = openDatabase(join(dir, 'backups', r.safety.name), { readonly: true });
    expect(safety.prepare('SELECT count(*) FROM images').pluck().get()).toBe(2);
    safety.close();
  });

  test('a name with "..", a slash or a missing file is refused and nothing changes', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'p');
    service = new CheckedService({ transport: 'in-process' });
    await service.invoke('project.create', { dir, classes: ['a'] });
    // A database outside the backups folder that an attacker would like restored.
    const outside = createProject(join(t.dir, 'other'), 'classify', ['evil'], paletteColor);
    outside.close();
    for (const name of ['../project.sqlite', '../../other/project.sqlite', 'x/../../other/project.sqlite', '/etc/passwd', 'a\\..\\b.sqlite', '..sqlite', '.hidden.sqlite', 'a\0.sqlite', 'notes.txt']) {
      const err = await service.invoke('backups.restore', { name }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(AppError);
      expect((err as AppError).code, name).toBe('INVALID_INPUT');
    }
    await expect(service.invoke('backups.restore', { name: 'manual-2024-01-01T00-00-00-000Z.sqlite' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The store function refuses on its own too (the CLI may call it without the schema).
    await expect(restoreProject(dir, '../../other/project.sqlite')).rejects.toThrow(/not a backup name/);
    // A damaged backup file is refused before anything is touched.
    writeFileSync(join(dir, 'backups', 'manual-2024-01-01T00-00-00-000Z.sqlite'), 'garbage that is not sqlite');
    await expect(service.invoke('backups.restore', { name: 'manual-2024-01-01T00-00-00-000Z.sqlite' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const info = await service.invoke('project.current', {});
    expect(info?.classes.map((c) => c.name)).toEqual(['a']);
    expect((await service.invoke('backups.list', {})).filter((b) => b.reason === 'before-restore')).toEqual([]);
  });

  test('an open project is snapshotted automatically on a timer, which stops when it closes', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'p');
    service = new CheckedService({ transport: 'in-process', autoBackupMs: 40 });
    await service.invoke('project.create', { dir, classes: ['a'] });
    await new Promise((r) => setTimeout(r, 200));
    const autos = (await service.invoke('backups.list', {})).filter((b) => b.reason === 'auto');
    expect(autos.length).toBeGreaterThanOrEqual(1);
    await service.invoke('project.close', {});
    const after = readdirSync(join(dir, 'backups')).length;
    await new Promise((r) => setTimeout(r, 150));
    expect(readdirSync(join(dir, 'backups')).length).toBe(after);
  });
});
