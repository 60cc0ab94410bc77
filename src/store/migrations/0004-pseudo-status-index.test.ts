import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { openDatabase } from '../open';
import { migrate } from '../migrate';
import { MIGRATIONS } from './index';
import { pseudoStatusCounts } from '../stats';
import { tempDir } from '../../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('migration 0004-pseudo-status-index', () => {
  test('pseudo-label counts by status come from the new index and match the rows', () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const db = openDatabase(join(t.dir, 'p.sqlite'));
    migrate(db, { migrations: MIGRATIONS.slice(0, 3) });
    db.prepare("INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split) VALUES ('a', 'a', 'a', 'a', 1, 1, 'png', 1, 'unlabeled')").run();
    for (const [status, deleted] of [['pending', null], ['accepted', null], ['accepted', '2026-01-01']] as const) {
      db.prepare("INSERT INTO annotations (image_id, kind, source, status, deleted_at) VALUES (1, 'box', 'pseudo', ?, ?)").run(status, deleted);
    }
    migrate(db, { migrations: MIGRATIONS.slice(0, 4) });
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM annotations INDEXED BY annotations_pseudo_status WHERE source = 'pseudo' AND deleted_at IS NULL AND status = 'pending'").all() as { detail: string }[]).map((r) => r.detail).join(' ');
    expect(plan).toMatch(/annotations_pseudo_status \(status=\?\)/);
    expect(pseudoStatusCounts(db)).toEqual({ pending: 1, accepted: 1, rejected: 0, corrected: 0 });
    db.close();
  });
});
