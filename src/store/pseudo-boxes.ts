import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { AnnotationStatus, ReviewImageItem, Split } from '../api/types';
import { recordHistory, rowById, type AnnotationRow } from './annotations';

/** One box a detector teacher found, in project class terms, normalized to the image. */
export interface NewPseudoBox {
  classId: number;
  x: number;
  y: number;
  w: number;
  h: number;
  /** The detector's score for it. */
  confidence: number;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/**
 * Store a detector teacher's boxes, image by image, as pending pseudo boxes. An image where a
 * person decided (an accepted or corrected box or polygon, which human shapes always are) is kept
 * as it is. Otherwise its pending or rejected pseudo boxes of an earlier run are superseded
 * (soft-deleted, history keeps them) and the new ones written; an image with no box is recorded
 * in pseudo_empty (labeled with zero boxes), so a resumed run does not look at it again. One
 * transaction per call, one history row per change.
 */
export function writePseudoBoxes(
  db: Database.Database,
  images: { imageId: number; boxes: NewPseudoBox[] }[],
  meta: { modelId: string; round: number; author: string | null },
): { images: number; boxes: number; empty: number; replaced: number; kept: number } {
  const batch = randomUUID();
  const decided = db.prepare(
    "SELECT 1 FROM annotations WHERE image_id = ? AND kind IN ('box', 'polygon') AND deleted_at IS NULL AND status IN ('accepted', 'corrected') LIMIT 1",
  );
  const earlier = db.prepare("SELECT id FROM annotations WHERE image_id = ? AND kind = 'box' AND source = 'pseudo' AND deleted_at IS NULL");
  const remove = db.prepare(`UPDATE annotations SET deleted_at = ${NOW}, updated_at = ${NOW} WHERE id = ?`);
  const insert = db.prepare(
    `INSERT INTO annotations (image_id, class_id, kind, geometry, source, model_id, round, confidence, status, author)
     VALUES (?, ?, 'box', ?, 'pseudo', ?, ?, ?, 'pending', ?)`,
  );
  const markEmpty = db.prepare('INSERT OR REPLACE INTO pseudo_empty (model_id, image_id, round) VALUES (?, ?, ?)');
  const out = { images: 0, boxes: 0, empty: 0, replaced: 0, kept: 0 };
  db.transaction(() => {
    for (const { imageId, boxes } of images) {
      if (decided.get(imageId)) {
        out.kept++;
        continue;
      }
      for (const { id } of earlier.all(imageId) as { id: number }[]) {
        const before = rowById(db, id)!;
        remove.run(id);
        recordHistory(db, 'delete', before, rowById(db, id), meta.author, batch);
        out.replaced++;
      }
      for (const b of boxes) {
        const geometry = JSON.stringify({ x: b.x, y: b.y, w: b.w, h: b.h });
        const id = Number(insert.run(imageId, b.classId, geometry, meta.modelId, meta.round, b.confidence, meta.author).lastInsertRowid);
        recordHistory(db, 'create', undefined, rowById(db, id) as AnnotationRow, meta.author, batch);
      }
      if (!boxes.length) {
        markEmpty.run(meta.modelId, imageId, meta.round);
        out.empty++;
      }
      out.images++;
      out.boxes += boxes.length;
    }
  }).immediate();
  return out;
}

/** The round a teacher's earlier (possibly cancelled) run used, from its boxes or its empty images. */
export function teacherRound(db: Database.Database, modelId: string): number | null {
  const r = db
    .prepare(
      `SELECT round FROM annotations WHERE source = 'pseudo' AND model_id = ? AND deleted_at IS NULL AND round IS NOT NULL
       UNION ALL SELECT round FROM pseudo_empty WHERE model_id = ? LIMIT 1`,
    )
    .get(modelId, modelId) as { round: number } | undefined;
  return r?.round ?? null;
}

/**
 * The images of a split a detector teacher still has to pseudo-label, in import order: it skips
 * images this teacher already labeled (with boxes, or none: pseudo_empty) and images where a
 * person decided about shapes (an accepted or corrected box or polygon).
 */
export function imagesToPseudoLabelBoxes(db: Database.Database, split: Split, teacherId: string): number[] {
  return (
    db
      .prepare(
        `SELECT id FROM images i WHERE split = ?
           AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.image_id = i.id AND a.deleted_at IS NULL AND a.kind IN ('box', 'polygon')
                             AND ((a.source = 'pseudo' AND a.model_id = ?) OR a.status IN ('accepted', 'corrected')))
           AND NOT EXISTS (SELECT 1 FROM pseudo_empty e WHERE e.model_id = ? AND e.image_id = i.id)
         ORDER BY id`,
      )
      .all(split, teacherId, teacherId) as { id: number }[]
  ).map((r) => r.id);
}

export interface ReviewImagesFilter {
  status: AnnotationStatus;
  classId?: number;
  round?: number;
}

/** Keyset cursor: the sort value (lowest confidence, or box count) and image id of the last item of the previous page. */
export interface ReviewImagesCursor {
  value: number;
  imageId: number;
}

/**
 * Images with pseudo boxes of a status (and class and round, when given: the boxes counted are
 * those that match), most uncertain first (lowest box confidence) or most boxes first, in keyset
 * pages. The aggregates come from the partial index of live pseudo boxes, never from the tags.
 */
export function reviewImages(
  db: Database.Database,
  order: 'confidence' | 'count',
  filter: ReviewImagesFilter,
  cursor: ReviewImagesCursor | null,
  limit: number,
): { items: ReviewImageItem[]; next: ReviewImagesCursor | null } {
  if (!['pending', 'accepted', 'rejected', 'corrected'].includes(filter.status)) throw new AppError('INVALID_INPUT', `Unknown status ${filter.status}.`);
  const where = ["a.kind = 'box'", "a.source = 'pseudo'", 'a.deleted_at IS NULL', 'a.status = @status'];
  if (filter.classId !== undefined) where.push('a.class_id = @classId');
  if (filter.round !== undefined) where.push('a.round = @round');
  const [sort, dir, cmp] = order === 'confidence' ? (['minConfidence', 'ASC', '>'] as const) : (['boxes', 'DESC', '<'] as const);
  const after = cursor ? `WHERE (${sort} ${cmp} @value OR (${sort} = @value AND imageId > @imageId))` : '';
  const rows = db
    .prepare(
      `WITH per_image AS (
         SELECT a.image_id AS imageId, COUNT(*) AS boxes, MIN(a.confidence) AS minConfidence, group_concat(DISTINCT a.class_id) AS classIds
           FROM annotations a INDEXED BY annotations_pseudo_boxes
          WHERE ${where.join(' AND ')}
          GROUP BY a.image_id)
       SELECT p.imageId, i.file_name AS fileName, p.boxes, p.minConfidence, p.classIds
         FROM (SELECT * FROM per_image ${after} ORDER BY ${sort} ${dir}, imageId ASC LIMIT @limit) p
         JOIN images i ON i.id = p.imageId
        ORDER BY ${sort} ${dir}, p.imageId ASC`,
    )
    .all({ status: filter.status, classId: filter.classId, round: filter.round, value: cursor?.value, imageId: cursor?.imageId, limit }) as (Omit<ReviewImageItem, 'classIds'> & { classIds: string | null })[];
  const items = rows.map((r) => ({
    ...r,
    minConfidence: r.minConfidence ?? 0,
    classIds: r.classIds ? r.classIds.split(',').map(Number).sort((a, b) => a - b) : [],
  }));
  const last = items.at(-1);
  return { items, next: last && items.length === limit ? { value: order === 'confidence' ? last.minConfidence : last.boxes, imageId: last.imageId } : null };
}

/**
 * Live pseudo boxes by status: one range count each of annotations_pseudo_boxes (not forced with
 * INDEXED BY, so a database opened by a migration test before that index still answers).
 */
export function pseudoBoxCounts(db: Database.Database): Record<AnnotationStatus, number> {
  const count = db.prepare("SELECT COUNT(*) AS n FROM annotations WHERE kind = 'box' AND source = 'pseudo' AND deleted_at IS NULL AND status = ?");
  return Object.fromEntries((['pending', 'accepted', 'rejected', 'corrected'] as const).map((s) => [s, (count.get(s) as { n: number }).n])) as Record<AnnotationStatus, number>;
}
