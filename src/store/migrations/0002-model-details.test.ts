import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('migration 0002-model-details', () => {
  test('adds the detail columns and keeps models saved at version 1', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 1) });
    db.prepare("INSERT INTO models (id, name, arch, kind, path) VALUES ('m1', 'first', 'small-cnn', 'trained', 'models/m1')").run();
    migrate(db, { migrations: MIGRATIONS.slice(0, 2) });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT id, details, params FROM models').get()).toEqual({ id: 'm1', details: '{}', params: null });
    db.prepare("UPDATE models SET params = 1234, training_seconds = 1.5, images_per_second = 900 WHERE id = 'm1'").run();
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
