import type Database from 'better-sqlite3';
import type { AnnotationStatus, Split, Stats } from '../api/types';
import { pseudoBoxCounts } from './pseudo-boxes';

/**
 * The counts behind the status bar and `apprentice stats`. Each number is read once, from an
 * index: totals are sums of the split and class counts rather than separate scans, so a project
 * of 100,000 images and a million annotations answers in milliseconds.
 */
export function projectStats(db: Database.Database): Stats {
  // Regions per class (boxes and polygons a person drew or decided): running counts kept by triggers.
  const regions = new Map(
    (db.prepare('SELECT class_key AS classId, n FROM class_region_counts').all() as { classId: number; n: number }[]).map((r) => [r.classId, r.n]),
  );
  const classes = (
    db
      .prepare(
        `SELECT c.id AS id, c.name AS name, (SELECT COUNT(*) FROM images i WHERE i.class_id = c.id) AS count
           FROM classes c ORDER BY c.position, c.id`,
      )
      .all() as { id: number; name: string; count: number }[]
  ).map(({ id, name, count }) => ({ name, count, regions: regions.get(id) ?? 0 }));
  const splits: Record<Split, number> = { train: 0, val: 0, test: 0, unlabeled: 0 };
  for (const r of db.prepare('SELECT split, COUNT(*) AS n FROM images GROUP BY split').all() as { split: Split; n: number }[]) {
    splits[r.split] = r.n;
  }
  const images = splits.train + splits.val + splits.test + splits.unlabeled;
  // An image is labeled when it has a class (images.class_id only ever points at an existing
  // class, so the class counts add up) or regions a person drew or decided: a detection
  // project's boxed images are labeled too. The region scan runs only when there are regions.
  const withClass = classes.reduce((a, c) => a + c.count, 0);
  const anyRegions = [...regions.values()].some((n) => n > 0);
  const regionOnly = anyRegions
    ? (
        db
          .prepare(
            `SELECT COUNT(*) AS n FROM images i WHERE i.class_id IS NULL AND EXISTS (
               SELECT 1 FROM annotations a WHERE a.image_id = i.id AND a.deleted_at IS NULL AND a.kind != 'tag'
                 AND (a.source = 'human' OR a.status IN ('accepted', 'corrected')))`,
          )
          .get() as { n: number }
      ).n
    : 0;
  const labeled = withClass + regionOnly;
  const pseudo = pseudoStatusCounts(db);
  return { images, labeled, unlabeled: images - labeled, classes, splits, pseudo, pseudoBoxes: pseudoBoxCounts(db) };
}

/** Live pseudo-labels (tags and boxes) by status: one index range count per status (annotations_pseudo_status, migration 0004). */
export function pseudoStatusCounts(db: Database.Database): Record<AnnotationStatus, number> {
  // One index range count per status (annotations_pseudo_status holds exactly the live pseudo-labels).
  const countStatus = db.prepare(
    "SELECT COUNT(*) AS n FROM annotations INDEXED BY annotations_pseudo_status WHERE source = 'pseudo' AND deleted_at IS NULL AND status = ?",
  );
  return Object.fromEntries(
    (['pending', 'accepted', 'rejected', 'corrected'] as const).map((status) => [status, (countStatus.get(status) as { n: number }).n]),
  ) as Record<AnnotationStatus, number>;
}
