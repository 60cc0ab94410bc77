import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { pseudoStatusCounts } from '../stats';
import { pseudoBoxCounts } from '../pseudo-boxes';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('migration 0006-pseudo-boxes', () => {
  test('empty-image markers go with their image and model; pseudo boxes are counted and listed from their own index', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    const before = MIGRATIONS.findIndex((m) => m.name === 'pseudo-boxes');
    migrate(db, { migrations: MIGRATIONS.slice(0, before) });
    for (const sha of ['a', 'b']) {
      db.prepare("INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split) VALUES (?, ?, ?, ?, 1, 1, 'png', 1, 'unlabeled')").run(sha, sha, sha, sha);
    }
    db.prepare("INSERT INTO models (id, name, arch, kind, path) VALUES ('det', 'd', 'onnx-detector', 'imported', 'models/det')").run();
    const box = db.prepare("INSERT INTO annotations (image_id, kind, geometry, source, model_id, status, confidence) VALUES (1, ?, '{}', 'pseudo', 'det', ?, 0.5)");
    box.run('box', 'pending');
    box.run('box', 'accepted');
    box.run('tag', 'pending');
    migrate(db, { migrations: MIGRATIONS.slice(0, before + 1) });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS[before]!.version);
    db.prepare("INSERT INTO pseudo_empty (model_id, image_id, round) VALUES ('det', 2, 1)").run();
    expect(() => db.prepare("INSERT INTO pseudo_empty (model_id, image_id, round) VALUES ('det', 99, 1)").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM images WHERE id = 2').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM pseudo_empty').get()).toEqual({ n: 0 });
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan("SELECT COUNT(*) FROM annotations WHERE kind = 'box' AND source = 'pseudo' AND deleted_at IS NULL AND status = 'pending'")).toMatch(/annotations_pseudo_boxes/);
    expect(pseudoBoxCounts(db)).toEqual({ pending: 1, accepted: 1, rejected: 0, corrected: 0 });
    expect(pseudoStatusCounts(db)).toEqual({ pending: 2, accepted: 1, rejected: 0, corrected: 0 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
