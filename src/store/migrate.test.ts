import { afterEach, describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from './open';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import { createProject, openProject } from './project-folder';
import { paletteColor } from './classes';
import { tempDir } from '../test-support/fixtures';
import type { Migration } from './migrations';

let cleanup = () => {};
afterEach(() => cleanup());

const extra: Migration = { version: MIGRATIONS.length + 1, name: 'test-extra', up: 'CREATE TABLE extra (x INTEGER);' };

describe('migrate', () => {
  test('takes a VACUUM INTO backup before migrating an existing database, and keeps data', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const file = join(t.dir, 'p.sqlite');
    const db = openDatabase(file);
    migrate(db);
    db.prepare("INSERT INTO classes (name, color, position) VALUES ('cat', '#ffffff', 0)").run();
    const backup = join(t.dir, 'backup.sqlite');
    const r = migrate(db, { migrations: [...MIGRATIONS, extra], backupPath: () => backup });
    expect(r).toEqual({ from: MIGRATIONS.length, to: extra.version, backup });
    expect(existsSync(backup)).toBe(true);
    const copy = openDatabase(backup, { readonly: true });
    expect(copy.prepare('SELECT name FROM classes').all()).toEqual([{ name: 'cat' }]);
    expect(copy.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    copy.close();
    expect(db.prepare('SELECT name FROM classes').all()).toEqual([{ name: 'cat' }]);
    db.close();
  });

  test('a failing migration rolls back to the previous whole version', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db);
    const broken: Migration = { version: MIGRATIONS.length + 1, name: 'broken', up: 'CREATE TABLE half (x); SELECT * FROM no_such_table;' };
    expect(() => migrate(db, { migrations: [...MIGRATIONS, broken] })).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    db.close();
  });

  test('a project saved by a newer Apprentice is refused and left untouched', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'proj');
    createProject(dir, 'classify', ['a'], paletteColor).close();
    const raw = openDatabase(join(dir, 'project.sqlite'));
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openProject(dir)).toThrow(expect.objectContaining({ code: 'DATABASE_TOO_NEW' }));
    const again = openDatabase(join(dir, 'project.sqlite'));
    expect(again.pragma('user_version', { simple: true })).toBe(99);
    expect(again.prepare('SELECT name FROM classes').all()).toEqual([{ name: 'a' }]);
    again.close();
  });
});
