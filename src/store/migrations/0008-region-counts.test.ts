import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { projectStats } from '../stats';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

/** What the running counts must equal: a fresh count of the regions that count. */
function recount(db: ReturnType<typeof openDatabase>): Record<number, number> {
  const rows = db
    .prepare(
      `SELECT IFNULL(class_id, 0) AS k, COUNT(*) AS n FROM annotations
        WHERE kind IN ('box', 'polygon') AND deleted_at IS NULL AND (source = 'human' OR status IN ('accepted', 'corrected'))
        GROUP BY 1`,
    )
    .all() as { k: number; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

function counters(db: ReturnType<typeof openDatabase>): Record<number, number> {
  const rows = db.prepare('SELECT class_key AS k, n FROM class_region_counts WHERE n != 0').all() as { k: number; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

describe('migration 0008-region-counts', () => {
  test('backfills the counts, and triggers keep them equal to a fresh count through every kind of write', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 7) });
    db.prepare("INSERT INTO classes (id, name, color, position) VALUES (1, 'car', '#ff0000', 0), (2, 'dog', '#00ff00', 1), (3, 'cat', '#0000ff', 2)").run();
    const image = db.prepare("INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split) VALUES (?, 'a', 'a', 'a', 1, 1, 'png', 1, 'train')");
    for (let i = 0; i < 5; i++) image.run(`sha${i}`);
    const add = db.prepare('INSERT INTO annotations (image_id, class_id, kind, source, status, deleted_at) VALUES (?, ?, ?, ?, ?, ?)');
    add.run(1, 1, 'box', 'human', 'accepted', null);
    add.run(1, 2, 'polygon', 'pseudo', 'corrected', null);
    add.run(2, 1, 'box', 'human', 'accepted', '2026-01-01');
    add.run(3, 2, 'tag', 'human', 'accepted', null); // an image label is not a region
    migrate(db, { migrations: MIGRATIONS.slice(0, 8) });
    expect(db.pragma('user_version', { simple: true })).toBe(8);
    expect(counters(db)).toEqual({ 1: 1, 2: 1 });

    // A seeded random walk of the writes the app makes: draw, relabel, delete, undelete, review,
    // a teacher's pending boxes, a class removed (its regions lose their class), an image removed.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const kinds = ['box', 'polygon'];
    const statuses = ['pending', 'accepted', 'rejected', 'corrected'];
    for (let step = 0; step < 400; step++) {
      const ids = (db.prepare('SELECT id FROM annotations').all() as { id: number }[]).map((r) => r.id);
      const id = ids[rand(ids.length)];
      switch (rand(6)) {
        case 0:
        case 1:
          add.run(1 + rand(5), 1 + rand(3), kinds[rand(2)], rand(2) ? 'human' : 'pseudo', statuses[rand(4)], null);
          break;
        case 2:
          db.prepare('UPDATE annotations SET class_id = ? WHERE id = ?').run(1 + rand(3), id);
          break;
        case 3:
          db.prepare('UPDATE annotations SET deleted_at = CASE WHEN deleted_at IS NULL THEN ? ELSE NULL END WHERE id = ?').run('2026-02-02', id);
          break;
        case 4:
          db.prepare('UPDATE annotations SET status = ? WHERE id = ?').run(statuses[rand(4)], id);
          break;
        case 5:
          db.prepare('DELETE FROM annotations WHERE id = ?').run(id);
          break;
      }
      expect(counters(db)).toEqual(recount(db));
    }
    db.prepare('DELETE FROM classes WHERE id = 3').run(); // ON DELETE SET NULL: counted under "no class"
    expect(counters(db)).toEqual(recount(db));
    db.prepare('DELETE FROM images WHERE id = 1').run(); // ON DELETE CASCADE
    expect(counters(db)).toEqual(recount(db));

    const fresh = recount(db);
    expect(projectStats(db).classes).toEqual([
      { name: 'car', count: 0, regions: fresh[1] ?? 0 },
      { name: 'dog', count: 0, regions: fresh[2] ?? 0 },
    ]);
    db.close();
  });
});
