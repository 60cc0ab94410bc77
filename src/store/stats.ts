import type Database from 'better-sqlite3';
import type { AnnotationStatus, Split, Stats } from '../api/types';

export function projectStats(db: Database.Database): Stats {
  const images = (db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n;
  const labeled = (db.prepare('SELECT COUNT(*) AS n FROM images WHERE class_id IS NOT NULL').get() as { n: number }).n;
  const classes = db
    .prepare(
      `SELECT c.name AS name, (SELECT COUNT(*) FROM images i WHERE i.class_id = c.id) AS count
         FROM classes c ORDER BY c.position, c.id`,
    )
    .all() as { name: string; count: number }[];
  const splits: Record<Split, number> = { train: 0, val: 0, test: 0, unlabeled: 0 };
  for (const r of db.prepare('SELECT split, COUNT(*) AS n FROM images GROUP BY split').all() as { split: Split; n: number }[]) {
    splits[r.split] = r.n;
  }
  const pseudo: Record<AnnotationStatus, number> = { pending: 0, accepted: 0, rejected: 0, corrected: 0 };
  const pseudoRows = db
    .prepare("SELECT status, COUNT(*) AS n FROM annotations WHERE source = 'pseudo' AND deleted_at IS NULL GROUP BY status")
    .all() as { status: AnnotationStatus; n: number }[];
  for (const r of pseudoRows) pseudo[r.status] = r.n;
  return { images, labeled, unlabeled: images - labeled, classes, splits, pseudo };
}
