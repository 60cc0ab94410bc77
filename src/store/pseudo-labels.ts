import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
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
