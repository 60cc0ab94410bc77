import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('migration 0005-shape-edits', () => {
  test('an existing project gets the per-image edit steps, dropped with their image; history is found by batch', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 4) });
    db.prepare("INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split) VALUES ('a', 'a', 'a', 'a', 1, 1, 'png', 1, 'unlabeled')").run();
    db.prepare("INSERT INTO annotations (image_id, kind, geometry, source, status) VALUES (1, 'box', '{\"x\":0,\"y\":0,\"w\":1,\"h\":1}', 'human', 'accepted')").run();
    db.prepare("INSERT INTO annotation_history (annotation_id, image_id, action, after, batch) VALUES (1, 1, 'create', '{}', 'b1')").run();
    migrate(db, { migrations: MIGRATIONS.slice(0, 5) });
    expect(db.pragma('user_version', { simple: true })).toBe(5);

    db.prepare("INSERT INTO shape_edits (image_id, batch, state) VALUES (1, 'b1', 'done')").run();
    expect(() => db.prepare("INSERT INTO shape_edits (image_id, batch, state) VALUES (1, 'b2', 'maybe')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO shape_edits (image_id, batch, state) VALUES (99, 'b3', 'done')").run()).toThrow(/FOREIGN KEY/);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT * FROM annotation_history WHERE batch = 'b1'").all() as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan).toMatch(/annotation_history_by_batch/);
    const stepPlan = (db.prepare("EXPLAIN QUERY PLAN SELECT id FROM shape_edits WHERE image_id = 1 AND state = 'done' ORDER BY id DESC LIMIT 1").all() as { detail: string }[])
      .map((r) => r.detail)
      .join(' ');
    expect(stepPlan).toMatch(/shape_edits_by_image/);

    db.prepare('DELETE FROM images WHERE id = 1').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM shape_edits').get()).toEqual({ n: 0 });
    db.close();
  });
});
