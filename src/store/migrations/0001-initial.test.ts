import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('migration 0001-initial', () => {
  test('creates every table, sets user_version 1, and passes the integrity check', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 1) });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['annotation_history', 'annotations', 'classes', 'images', 'jobs', 'models', 'settings']);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  test('the annotation history refuses updates and deletes', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 1) });
    db.prepare("INSERT INTO annotation_history (annotation_id, image_id, action) VALUES (1, 1, 'create')").run();
    expect(() => db.prepare("UPDATE annotation_history SET action = 'delete'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM annotation_history').run()).toThrow(/append-only/);
    db.close();
  });

  test('images and annotations enforce their checks and foreign keys', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 1) });
    const insert = db.prepare(
      "INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split) VALUES (?, 'a', 'a', 'a', 1, 1, 'png', 1, ?)",
    );
    insert.run('x', 'train');
    expect(() => insert.run('y', 'holdout')).toThrow(/CHECK/);
    expect(() =>
      db.prepare("INSERT INTO annotations (image_id, kind, source, status) VALUES (999, 'tag', 'human', 'accepted')").run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });
});
