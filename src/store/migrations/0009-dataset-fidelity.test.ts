import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

const schemaObjects = (db: ReturnType<typeof openDatabase>) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE tbl_name IN ('classes', 'annotations') AND type IN ('index', 'trigger') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('migration 0009-dataset-fidelity', () => {
  test('keeps every row, reference, index and trigger, and then allows case-sensitive classes, new region kinds and several human tags', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 8) });
    db.prepare("INSERT INTO classes (id, name, color, position) VALUES (1, 'Dog', '#ff0000', 0), (2, 'cat', '#00ff00', 1)").run();
    db.prepare("INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split, class_id) VALUES ('s1', 'a', 'a', 'a', 4, 4, 'png', 1, 'train', 1)").run();
    db.prepare("INSERT INTO annotations (image_id, class_id, kind, source, status) VALUES (1, 1, 'tag', 'human', 'accepted')").run();
    db.prepare("INSERT INTO annotations (image_id, class_id, kind, geometry, source, status, entropy) VALUES (1, 2, 'box', '{\"x\":0,\"y\":0,\"w\":1,\"h\":1}', 'human', 'accepted', 0.5)").run();
    const before = schemaObjects(db);

    migrate(db, { migrations: MIGRATIONS.slice(0, 9) });
    expect(db.pragma('user_version', { simple: true })).toBe(9);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.prepare('SELECT id, name, position FROM classes ORDER BY id').all()).toEqual([
      { id: 1, name: 'Dog', position: 0 },
      { id: 2, name: 'cat', position: 1 },
    ]);
    expect(db.prepare('SELECT class_id AS c, kind, entropy FROM annotations ORDER BY id').all()).toEqual([
      { c: 1, kind: 'tag', entropy: null },
      { c: 2, kind: 'box', entropy: 0.5 },
    ]);
    expect(db.prepare('SELECT class_id FROM images').get()).toEqual({ class_id: 1 });
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(schemaObjects(db)).toEqual([...before, 'annotations_human_tags'].sort());
    // The region-count triggers came back: a new box counts.
    const count = () => (db.prepare('SELECT n FROM class_region_counts WHERE class_key = 2').get() as { n: number }).n;
    const n = count();
    db.prepare("INSERT INTO annotations (image_id, class_id, kind, geometry, source, status) VALUES (1, 2, 'box', '{}', 'human', 'accepted')").run();
    expect(count()).toBe(n + 1);

    db.prepare("INSERT INTO classes (name, color, position, source_id) VALUES ('dog', '#0000ff', 2, 17)").run();
    expect(() => db.prepare("INSERT INTO classes (name, color, position) VALUES ('Dog', '#000000', 3)").run()).toThrow(/UNIQUE/);
    for (const kind of ['polyline', 'points', 'mask']) {
      db.prepare("INSERT INTO annotations (image_id, class_id, kind, geometry, attributes, source, status) VALUES (1, 2, ?, '{}', '{\"occluded\":true}', 'human', 'accepted')").run(kind);
    }
    // Several annotators' tags on one image; the same class twice from one annotator is refused.
    const tag = db.prepare("INSERT INTO annotations (image_id, class_id, kind, source, status, author) VALUES (1, ?, 'tag', 'human', 'accepted', ?)");
    tag.run(1, 'ann@x');
    tag.run(2, 'ann@x');
    expect(() => tag.run(2, 'ann@x')).toThrow(/UNIQUE/);
    // Deleting a class still clears its references (the foreign keys are back on).
    db.prepare('DELETE FROM classes WHERE id = 1').run();
    expect(db.prepare('SELECT class_id FROM images').get()).toEqual({ class_id: null });
  });
});
