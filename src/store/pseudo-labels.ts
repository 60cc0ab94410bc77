import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AnnotationStatus, Split } from '../api/types';
import { recordHistory, rowById, type AnnotationRow } from './annotations';

export interface NewPseudoLabel {
  imageId: number;
  classId: number;
  /** Probability of the predicted class (temperature 1). */
  confidence: number;
  /** The teacher's soft label over the project's classes, at `temperature`. */
  soft: number[];
  entropy: number;
  margin: number;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/**
 * Store a teacher's pseudo-labels as pending image tags. A pending or rejected pseudo tag the
 * image already had is superseded (history keeps it); an accepted or corrected one is a decision
 * and stays — that image is skipped. One transaction per call, one history row per change.
 */
export function writePseudoLabels(
  db: Database.Database,
  labels: NewPseudoLabel[],
  meta: { modelId: string; round: number; temperature: number; author: string | null },
): { written: number; replaced: number; kept: number } {
  const batch = randomUUID();
  const existing = db.prepare(
    "SELECT id, status FROM annotations WHERE image_id = ? AND kind = 'tag' AND source = 'pseudo' AND deleted_at IS NULL",
  );
  const remove = db.prepare(`UPDATE annotations SET deleted_at = ${NOW}, updated_at = ${NOW} WHERE id = ?`);
  const insert = db.prepare(
    `INSERT INTO annotations (image_id, class_id, kind, source, model_id, round, confidence, soft_label, status, author, entropy, margin, temperature)
     VALUES (?, ?, 'tag', 'pseudo', ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
  );
  let replaced = 0;
  let kept = 0;
  let written = 0;
  db.transaction(() => {
    for (const l of labels) {
      const current = existing.all(l.imageId) as { id: number; status: string }[];
      if (current.some((c) => c.status === 'accepted' || c.status === 'corrected')) {
        kept++;
        continue;
      }
      for (const { id } of current) {
        const before = rowById(db, id)!;
        remove.run(id);
        recordHistory(db, 'delete', before, rowById(db, id), meta.author, batch);
        replaced++;
      }
      const id = Number(
        insert.run(l.imageId, l.classId, meta.modelId, meta.round, l.confidence, JSON.stringify(l.soft.map((v) => +v.toFixed(6))), meta.author, l.entropy, l.margin, meta.temperature).lastInsertRowid,
      );
      recordHistory(db, 'create', undefined, rowById(db, id) as AnnotationRow, meta.author, batch);
      written++;
    }
  }).immediate();
  return { written, replaced, kept };
}

/** The round the next pseudo-labeling run belongs to: one more than the last. */
export function nextRound(db: Database.Database): number {
  // A detector run that found nothing anywhere still used its round (pseudo_empty).
  const r = db.prepare("SELECT MAX(r) AS r FROM (SELECT MAX(round) AS r FROM annotations WHERE source = 'pseudo' UNION ALL SELECT MAX(round) FROM pseudo_empty)").get() as { r: number | null };
  return (r.r ?? 0) + 1;
}

/**
 * The images of a split a teacher still has to pseudo-label, in import order: it skips images
 * this teacher already labeled (a cancelled run resumes) and images whose pseudo-label a person
 * (or a threshold) already accepted or corrected.
 */
export function imagesToPseudoLabel(db: Database.Database, split: Split, teacherId: string): number[] {
  return (
    db
      .prepare(
        `SELECT id FROM images i WHERE split = ? AND NOT EXISTS (
           SELECT 1 FROM annotations a WHERE a.image_id = i.id AND a.source = 'pseudo' AND a.deleted_at IS NULL
              AND (a.model_id = ? OR a.status IN ('accepted', 'corrected')))
         ORDER BY id`,
      )
      .all(split, teacherId) as { id: number }[]
  ).map((r) => r.id);
}

/** The round of a teacher's live pseudo-labels (an earlier, possibly cancelled run), or undefined. */
export function teacherLabelRound(db: Database.Database, teacherId: string): number | undefined {
  return (db.prepare("SELECT round FROM annotations WHERE source = 'pseudo' AND model_id = ? AND deleted_at IS NULL LIMIT 1").get(teacherId) as { round: number } | undefined)?.round;
}

export interface StudentPseudoRow {
  id: number;
  media_path: string;
  sha256: string;
  class_id: number;
  status: 'accepted' | 'corrected' | 'pending';
  soft_label: string | null;
  temperature: number | null;
}

/**
 * The pseudo-labeled images a student learns from, in import order: every reviewed (accepted or
 * corrected) pseudo tag of the unlabeled split, of any teacher, and this teacher's pending ones
 * whose confidence is at least `pendingAbove` (none when it is null).
 */
export function studentPseudoRows(db: Database.Database, teacherId: string, pendingAbove: number | null): StudentPseudoRow[] {
  return db
    .prepare(
      `SELECT i.id, i.media_path, i.sha256, a.class_id, a.status, a.soft_label, a.temperature
         FROM annotations a JOIN images i ON i.id = a.image_id
        WHERE a.source = 'pseudo' AND a.deleted_at IS NULL AND a.kind = 'tag' AND a.class_id IS NOT NULL
          AND i.split = 'unlabeled'
          AND (a.status IN ('accepted', 'corrected') OR (a.status = 'pending' AND a.model_id = ? AND a.confidence >= ?))
        ORDER BY i.id`,
    )
    .all(teacherId, pendingAbove ?? 2) as StudentPseudoRow[];
}

/** Live pseudo tags counted per round, teacher and status (with the highest temperature), by round. */
export function pseudoTagRounds(db: Database.Database): { round: number; modelId: string | null; status: AnnotationStatus; n: number; temperature: number | null }[] {
  return db
    .prepare("SELECT round, model_id AS modelId, status, COUNT(*) AS n, MAX(temperature) AS temperature FROM annotations WHERE source = 'pseudo' AND deleted_at IS NULL AND kind = 'tag' GROUP BY round, model_id, status ORDER BY round")
    .all() as { round: number; modelId: string | null; status: AnnotationStatus; n: number; temperature: number | null }[];
}
