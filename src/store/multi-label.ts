import type Database from 'better-sqlite3';
import { getSetting, setSetting } from './settings';

/** The project setting that says whether images carry several classes: 'true', 'false', or unset (decided by the labels). */
export const MULTI_LABEL_SETTING = 'multiLabel';

/**
 * Whether the project trains multi-label models (a sigmoid per class) rather than single-label
 * ones (one softmax over classes). The setting decides when it is 'true' or 'false'; unset, the
 * labels do: a project is multi-label as soon as one image has live human tags of two classes
 * (a Label Studio multi-choice, a CVAT image with two tags). Several annotators agreeing on one
 * class do not make it multi-label.
 */
export function isMultiLabelProject(db: Database.Database): boolean {
  const setting = getSetting(db, MULTI_LABEL_SETTING);
  if (setting === 'true') return true;
  if (setting === 'false') return false;
  const row = db
    .prepare(
      `SELECT 1 FROM annotations
        WHERE kind = 'tag' AND source = 'human' AND class_id IS NOT NULL AND deleted_at IS NULL
        GROUP BY image_id HAVING COUNT(DISTINCT class_id) >= 2 LIMIT 1`,
    )
    .get();
  return row !== undefined;
}

/** Set (true/false) or clear (null: decided by the labels again) the project's multi-label setting. */
export function setMultiLabelSetting(db: Database.Database, value: boolean | null): void {
  db.transaction(() => {
    if (value === null) db.prepare('DELETE FROM settings WHERE key = ?').run(MULTI_LABEL_SETTING);
    else setSetting(db, MULTI_LABEL_SETTING, String(value));
  }).immediate();
}

/**
 * The class set of every image that has a class (images.class_id set), by image id: the distinct
 * classes of its live human tags in class order, or, for an image whose class came from an
 * accepted pseudo-label (no human tag), that one class. Training turns each set into a multi-hot
 * target row; evaluation compares predicted sets with these.
 */
export function imageClassSets(db: Database.Database): Map<number, number[]> {
  const rows = db
    .prepare(
      `SELECT i.id AS imageId, a.class_id AS tagClass, i.class_id AS imageClass
         FROM images i
         LEFT JOIN annotations a ON a.image_id = i.id AND a.kind = 'tag' AND a.source = 'human' AND a.class_id IS NOT NULL AND a.deleted_at IS NULL
         LEFT JOIN classes c ON c.id = a.class_id
        WHERE i.class_id IS NOT NULL
        ORDER BY i.id, c.position, c.id`,
    )
    .all() as { imageId: number; tagClass: number | null; imageClass: number }[];
  const sets = new Map<number, number[]>();
  for (const r of rows) {
    const set = sets.get(r.imageId) ?? [];
    const cls = r.tagClass ?? r.imageClass;
    if (!set.includes(cls)) set.push(cls);
    sets.set(r.imageId, set);
  }
  return sets;
}
