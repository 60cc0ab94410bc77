import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { AnnotationStatus, Disagreement, ReviewCounts, ReviewItem } from '../api/types';

export type { Disagreement, ReviewCounts, ReviewItem };
import { recordHistory, refreshImageClass, rowById, type AnnotationRow } from './annotations';

export type ReviewOrder = 'confidence' | 'entropy' | 'margin' | 'class';

export interface ReviewFilter {
  status?: AnnotationStatus;
  classId?: number;
  round?: number;
  minConfidence?: number;
  maxConfidence?: number;
}


/** Keyset cursor: the sort value and image id of the last item of the previous page. */
export interface ReviewCursor {
  value: number;
  imageId: number;
}

const ORDER: Record<ReviewOrder, { column: string; dir: 'ASC' | 'DESC'; pendingIndex?: string }> = {
  // Most uncertain first: lowest confidence, highest entropy, smallest top-2 margin. Pending
  // labels (the queue people work through) walk a partial index in that order: named, because
  // with several indexes on annotations the planner may otherwise pick one and sort 100,000 rows.
  confidence: { column: 'a.confidence', dir: 'ASC', pendingIndex: 'annotations_pending_pseudo' },
  entropy: { column: 'a.entropy', dir: 'DESC', pendingIndex: 'annotations_pending_entropy' },
  margin: { column: 'a.margin', dir: 'ASC', pendingIndex: 'annotations_pending_margin' },
  class: { column: 'a.class_id', dir: 'ASC' },
};

/**
 * A page of the review queue, most uncertain first (or by class), walking an index in order with
 * a keyset cursor, so the next 100 of 300,000 pending labels come back in well under a millisecond.
 */
export function reviewQueue(
  db: Database.Database,
  order: ReviewOrder,
  filter: ReviewFilter,
  cursor: ReviewCursor | null,
  limit: number,
): { items: ReviewItem[]; next: ReviewCursor | null } {
  const { column, dir, pendingIndex } = ORDER[order];
  const status = filter.status ?? 'pending';
  if (!['pending', 'accepted', 'rejected', 'corrected'].includes(status)) throw new AppError('INVALID_INPUT', `Unknown status ${status}.`);
  // The status is written into the SQL (not bound) so SQLite can use the partial indexes on pending labels.
  const where = ["a.source = 'pseudo'", 'a.deleted_at IS NULL', "a.kind = 'tag'", `a.status = '${status}'`];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    params.push(value);
  };
  if (filter.classId !== undefined) add('a.class_id = ?', filter.classId);
  if (filter.round !== undefined) add('a.round = ?', filter.round);
  if (filter.minConfidence !== undefined) add('a.confidence >= ?', filter.minConfidence);
  if (filter.maxConfidence !== undefined) add('a.confidence <= ?', filter.maxConfidence);
  if (cursor) {
    const cmp = dir === 'ASC' ? '>' : '<';
    where.push(`(${column} ${cmp} ? OR (${column} = ? AND a.image_id > ?))`);
    params.push(cursor.value, cursor.value, cursor.imageId);
  }
  const rows = db
    .prepare(
      `SELECT a.id AS annotationId, a.image_id AS imageId, i.file_name AS fileName, a.class_id AS classId, a.confidence, a.entropy,
              a.margin, a.round, a.model_id AS modelId, a.status, a.soft_label AS soft, ${column} AS sortValue,
              (SELECT h.class_id FROM annotations h WHERE h.image_id = a.image_id AND h.kind = 'tag' AND h.source = 'human' AND h.deleted_at IS NULL) AS humanClassId
         FROM annotations a ${status === 'pending' && pendingIndex ? `INDEXED BY ${pendingIndex}` : ''} JOIN images i ON i.id = a.image_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${column} ${dir}, a.image_id ASC LIMIT ?`,
    )
    .all(...params, limit) as (Omit<ReviewItem, 'soft'> & { soft: string | null; sortValue: number })[];
  const items = rows.map(({ sortValue: _s, soft, ...r }) => ({ ...r, soft: soft ? (JSON.parse(soft) as number[]) : null }));
  const last = rows.at(-1);
  return { items, next: last && rows.length === limit ? { value: last.sortValue, imageId: last.imageId } : null };
}

export type ReviewAction = { kind: 'accept' } | { kind: 'reject' } | { kind: 'relabel'; classId: number };

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

function pseudoRow(db: Database.Database, annotationId: number): AnnotationRow {
  const row = rowById(db, annotationId);
  if (!row || row.deleted_at || row.source === 'human') throw new AppError('NOT_FOUND', `There is no pseudo-label ${annotationId}.`);
  return row;
}

/**
 * Accept, reject or relabel pseudo-labels (relabel = "corrected": the class a person chose, the
 * teacher's soft label dropped since it was wrong). One transaction and one undo step per call.
 */
export function applyReview(db: Database.Database, annotationIds: number[], action: ReviewAction, author: string | null): { batch: string; changed: number } {
  const batch = randomUUID();
  let changed = 0;
  db.transaction(() => {
    for (const id of annotationIds) {
      const before = pseudoRow(db, id);
      if (action.kind === 'relabel') {
        db.prepare(`UPDATE annotations SET class_id = ?, status = 'corrected', author = ?, updated_at = ${NOW} WHERE id = ?`).run(action.classId, author, id);
      } else {
        const status = action.kind === 'accept' ? 'accepted' : 'rejected';
        if (before.status === status) continue;
        db.prepare(`UPDATE annotations SET status = ?, author = ?, updated_at = ${NOW} WHERE id = ?`).run(status, author, id);
      }
      recordHistory(db, 'update', before, rowById(db, id), author, batch);
      refreshImageClass(db, before.image_id);
      changed++;
    }
  }).immediate();
  return { batch, changed };
}

/**
 * Undo the author's most recent review step that is not undone yet: every row of that batch goes
 * back to its state before, and the undo itself is recorded (history stays append-only).
 */
export function undoLastReview(db: Database.Database, author: string | null): { undone: number } {
  const last = db
    .prepare(
      `SELECT batch FROM annotation_history h
        WHERE h.action = 'update' AND h.batch IS NOT NULL AND h.batch NOT LIKE 'undo:%' AND h.batch NOT LIKE 'redo:%' AND (h.author IS ? )
          -- Edits of regions on the canvas have their own undo (per image, in shape_edits).
          AND NOT EXISTS (SELECT 1 FROM shape_edits s WHERE s.batch = h.batch)
          AND json_extract(h.before, '$.source') != 'human'
          AND NOT EXISTS (SELECT 1 FROM annotation_history u WHERE u.batch = 'undo:' || h.batch)
        ORDER BY h.id DESC LIMIT 1`,
    )
    .get(author) as { batch: string } | undefined;
  if (!last) return { undone: 0 };
  const entries = db.prepare('SELECT annotation_id, before FROM annotation_history WHERE batch = ? ORDER BY id DESC').all(last.batch) as { annotation_id: number; before: string }[];
  db.transaction(() => {
    for (const e of entries) {
      const prior = JSON.parse(e.before) as AnnotationRow;
      const current = rowById(db, e.annotation_id)!;
      db.prepare(`UPDATE annotations SET class_id = ?, status = ?, author = ?, updated_at = ${NOW} WHERE id = ?`).run(prior.class_id, prior.status, prior.author, e.annotation_id);
      recordHistory(db, 'update', current, rowById(db, e.annotation_id), author, `undo:${last.batch}`);
      refreshImageClass(db, current.image_id);
    }
  }).immediate();
  return { undone: entries.length };
}

export interface BulkRule {
  mode: 'accept-above' | 'reject-below';
  /** One threshold for all classes, or per class id. */
  threshold: number;
  perClass?: Record<number, number>;
  classId?: number;
  round?: number;
}

function bulkTargets(db: Database.Database, rule: BulkRule): number[] {
  const rows = db
    .prepare(
      `SELECT id, class_id AS classId, confidence FROM annotations
        WHERE source = 'pseudo' AND status = 'pending' AND deleted_at IS NULL AND kind = 'tag'
          ${rule.classId !== undefined ? 'AND class_id = @classId' : ''} ${rule.round !== undefined ? 'AND round = @round' : ''}`,
    )
    .all({ classId: rule.classId, round: rule.round }) as { id: number; classId: number; confidence: number }[];
  return rows
    .filter((r) => {
      const t = rule.perClass?.[r.classId] ?? rule.threshold;
      return rule.mode === 'accept-above' ? r.confidence >= t : r.confidence < t;
    })
    .map((r) => r.id);
}

/** How many pending pseudo-labels a bulk rule would change: shown before it is applied. */
export function previewBulk(db: Database.Database, rule: BulkRule): number {
  return bulkTargets(db, rule).length;
}

export function applyBulk(db: Database.Database, rule: BulkRule, author: string | null): { batch: string; changed: number } {
  return applyReview(db, bulkTargets(db, rule), { kind: rule.mode === 'accept-above' ? 'accept' : 'reject' }, author);
}

/** Images whose human label a teacher confidently contradicts: likely label errors, most confident first. */
export function disagreements(db: Database.Database, minConfidence: number, limit: number): Disagreement[] {
  return db
    .prepare(
      `SELECT h.image_id AS imageId, i.file_name AS fileName, h.class_id AS humanClassId, p.class_id AS teacherClassId, p.confidence, p.model_id AS modelId
         FROM annotations h
         JOIN annotations p ON p.image_id = h.image_id AND p.kind = 'tag' AND p.source = 'pseudo' AND p.deleted_at IS NULL
         JOIN images i ON i.id = h.image_id
        WHERE h.kind = 'tag' AND h.source = 'human' AND h.deleted_at IS NULL
          AND p.class_id != h.class_id AND p.confidence >= ?
        ORDER BY p.confidence DESC LIMIT ?`,
    )
    .all(minConfidence, limit) as Disagreement[];
}

export function reviewCounts(db: Database.Database, windowMinutes = 10): ReviewCounts {
  const byClassAndRound = db
    .prepare(
      // Tags and boxes apart (kind): a detector's boxes are counted per class and round like tags.
      `SELECT class_id AS classId, round, status, COUNT(*) AS count, kind FROM annotations
        WHERE source = 'pseudo' AND deleted_at IS NULL AND kind IN ('tag', 'box') GROUP BY class_id, round, status, kind ORDER BY round, class_id, status, kind`,
    )
    .all() as ReviewCounts['byClassAndRound'];
  const recent = db
    .prepare(
      // One-key decisions only (a batch of one): a bulk step is not a person's reviewing speed.
      `WITH recent AS (
         SELECT batch, at FROM annotation_history
          WHERE action = 'update' AND batch NOT LIKE 'undo:%' AND json_extract(before, '$.source') = 'pseudo'
            AND at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))
       SELECT COUNT(*) AS n, MIN(at) AS first, MAX(at) AS last FROM recent
        WHERE batch IN (SELECT batch FROM recent GROUP BY batch HAVING COUNT(*) = 1)`,
    )
    .get(`-${windowMinutes} minutes`) as { n: number; first: string | null; last: string | null };
  const minutes = recent.first && recent.last ? Math.max(1 / 60, (Date.parse(recent.last) - Date.parse(recent.first)) / 60000) : 0;
  return { byClassAndRound, imagesPerMinute: minutes ? recent.n / minutes : 0 };
}
