import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('migration 0003-pseudo-uncertainty', () => {
  test('adds entropy, margin and temperature; the review orders walk their indexes', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 2) });
    db.prepare("INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split) VALUES ('a', 'a', 'a', 'a', 1, 1, 'png', 1, 'unlabeled')").run();
    db.prepare("INSERT INTO annotations (image_id, kind, source, status, confidence) VALUES (1, 'tag', 'pseudo', 'pending', 0.6)").run();
    migrate(db, { migrations: MIGRATIONS.slice(0, 3) });
    expect(db.prepare('SELECT confidence, entropy, margin, temperature FROM annotations').get()).toEqual({ confidence: 0.6, entropy: null, margin: null, temperature: null });
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan("SELECT id FROM annotations WHERE source = 'pseudo' AND status = 'pending' AND deleted_at IS NULL ORDER BY entropy DESC, image_id LIMIT 10")).toMatch(/annotations_pending_entropy/);
    expect(plan("SELECT id FROM annotations WHERE source = 'pseudo' AND status = 'pending' AND deleted_at IS NULL ORDER BY margin, image_id LIMIT 10")).toMatch(/annotations_pending_margin/);
    db.close();
  });
});
