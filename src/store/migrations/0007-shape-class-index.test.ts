import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('migration 0007-shape-class-index', () => {
  test("each class's regions (human and decided teacher ones, live only) are counted from the new index", () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 6) });
    db.prepare("INSERT INTO classes (id, name, color, position) VALUES (1, 'car', '#ff0000', 0), (2, 'dog', '#00ff00', 1)").run();
    db.prepare("INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split) VALUES ('a', 'a', 'a', 'a', 1, 1, 'png', 1, 'train')").run();
    const add = db.prepare('INSERT INTO annotations (image_id, class_id, kind, source, status, deleted_at) VALUES (1, ?, ?, ?, ?, ?)');
    add.run(1, 'box', 'human', 'accepted', null);
    add.run(1, 'polygon', 'human', 'accepted', null);
    add.run(1, 'box', 'human', 'accepted', '2026-01-01'); // deleted
    add.run(1, 'box', 'pseudo', 'pending', null); // not decided yet
    add.run(2, 'box', 'pseudo', 'corrected', null);
    add.run(2, 'box', 'pseudo', 'rejected', null);
    add.run(2, 'tag', 'human', 'accepted', null); // an image label, not a region
    migrate(db, { migrations: MIGRATIONS.slice(0, 7) });
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    const counts = db
      .prepare("SELECT class_id AS classId, COUNT(*) AS n FROM annotations WHERE kind IN ('box', 'polygon') AND deleted_at IS NULL AND (source = 'human' OR status IN ('accepted', 'corrected')) GROUP BY class_id")
      .all();
    expect(counts).toEqual([{ classId: 1, n: 2 }, { classId: 2, n: 1 }]);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT class_id, COUNT(*) FROM annotations WHERE kind IN ('box', 'polygon') AND deleted_at IS NULL AND (source = 'human' OR status IN ('accepted', 'corrected')) GROUP BY class_id").all() as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan).toMatch(/annotations_live_shapes/);
    db.close();
  });
});
