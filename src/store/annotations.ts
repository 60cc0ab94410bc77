import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Annotation, AnnotationSource, AnnotationStatus } from '../api/types';
import { splitForHash } from './splits';

export interface AnnotationRow {
  id: number;
  image_id: number;
  class_id: number | null;
  kind: 'tag' | 'box' | 'polygon' | 'polyline' | 'points' | 'mask';
  geometry: string | null;
  attributes?: string | null;
  source: AnnotationSource;
  model_id: string | null;
  round: number | null;
  confidence: number | null;
  soft_label: string | null;
  status: AnnotationStatus;
  author: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  entropy?: number | null;
  margin?: number | null;
  temperature?: number | null;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

function toAnnotation(r: AnnotationRow): Annotation {
  return {
    id: r.id,
    imageId: r.image_id,
    classId: r.class_id,
    kind: r.kind,
    geometry: r.geometry === null ? null : JSON.parse(r.geometry),
    attributes: r.attributes ? (JSON.parse(r.attributes) as Record<string, unknown>) : null,
    source: r.source,
    modelId: r.model_id,
    round: r.round,
    confidence: r.confidence,
    softLabel: r.soft_label === null ? null : (JSON.parse(r.soft_label) as number[]),
    status: r.status,
    author: r.author,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function rowById(db: Database.Database, id: number): AnnotationRow | undefined {
  return db.prepare('SELECT * FROM annotations WHERE id = ?').get(id) as AnnotationRow | undefined;
}

export function recordHistory(
  db: Database.Database,
  action: 'create' | 'update' | 'delete',
  before: AnnotationRow | undefined,
  after: AnnotationRow | undefined,
  author: string | null,
  batch: string,
): void {
  const subject = (after ?? before)!;
  db.prepare(
    'INSERT INTO annotation_history (annotation_id, image_id, action, before, after, author, batch) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(subject.id, subject.image_id, action, before ? JSON.stringify(before) : null, after ? JSON.stringify(after) : null, author, batch);
}

/**
 * Keep images.class_id equal to the image's class: the live human tag, else an accepted or
 * corrected pseudo/model tag. Called inside every transaction that touches tags.
 */
export function refreshImageClass(db: Database.Database, imageId: number): void {
  db.prepare(
    `UPDATE images SET class_id = (
       SELECT class_id FROM annotations
        WHERE image_id = ? AND kind = 'tag' AND deleted_at IS NULL
          AND (source = 'human' OR status IN ('accepted', 'corrected'))
        ORDER BY source = 'human' DESC, updated_at DESC LIMIT 1
     ), updated_at = ${NOW} WHERE id = ?`,
  ).run(imageId, imageId);
}

export function listAnnotations(db: Database.Database, imageId: number): Annotation[] {
  const rows = db.prepare('SELECT * FROM annotations WHERE image_id = ? AND deleted_at IS NULL ORDER BY id').all(imageId) as AnnotationRow[];
  return rows.map(toAnnotation);
}

/** Soft-delete annotations (history keeps what they were). Run inside the caller's transaction. */
export function deleteAnnotations(db: Database.Database, ids: number[], author: string | null, batch: string = randomUUID()): void {
  const mark = db.prepare(`UPDATE annotations SET deleted_at = ${NOW}, updated_at = ${NOW} WHERE id = ? AND deleted_at IS NULL`);
  const touched = new Set<number>();
  for (const id of ids) {
    const before = rowById(db, id);
    if (!before || before.deleted_at) continue;
    mark.run(id);
    recordHistory(db, 'delete', before, rowById(db, id), author, batch);
    touched.add(before.image_id);
  }
  for (const imageId of touched) refreshImageClass(db, imageId);
}

/**
 * Give each image a human class tag (or clear it with null). One transaction for the whole
 * batch, one history row per change; images whose tag already says that class are untouched.
 * An image labeled while in the 'unlabeled' split joins train/val/test (by its hash), since a
 * labeled image is training data. Returns how many images changed.
 */
export function setHumanClass(
  db: Database.Database,
  imageIds: number[],
  classId: number | null,
  author: string | null,
): number {
  const batch = randomUUID();
  const findTag = db.prepare(
    "SELECT * FROM annotations WHERE image_id = ? AND kind = 'tag' AND source = 'human' AND deleted_at IS NULL",
  );
  const update = db.prepare(`UPDATE annotations SET class_id = ?, author = ?, updated_at = ${NOW} WHERE id = ?`);
  const insert = db.prepare(
    "INSERT INTO annotations (image_id, class_id, kind, source, status, author) VALUES (?, ?, 'tag', 'human', 'accepted', ?)",
  );
  const leaveUnlabeled = db.prepare("SELECT sha256 FROM images WHERE id = ? AND split = 'unlabeled'");
  const setSplit = db.prepare(`UPDATE images SET split = ?, updated_at = ${NOW} WHERE id = ?`);
  let changed = 0;
  db.transaction(() => {
    for (const imageId of imageIds) {
      // An imported image may carry several human tags (a multi-label image, several annotators):
      // giving it one class keeps one tag and removes the others, each with a history row.
      const tags = findTag.all(imageId) as AnnotationRow[];
      const current = tags.find((t) => t.class_id === classId) ?? tags[0];
      const others = tags.filter((t) => t !== current).map((t) => t.id);
      if (others.length) deleteAnnotations(db, others, author, batch);
      if (classId === null) {
        if (!current) continue;
        deleteAnnotations(db, [current.id], author, batch);
      } else if (current) {
        if (current.class_id === classId && !others.length) continue;
        update.run(classId, author, current.id);
        recordHistory(db, 'update', current, rowById(db, current.id), author, batch);
      } else {
        const id = Number(insert.run(imageId, classId, author).lastInsertRowid);
        recordHistory(db, 'create', undefined, rowById(db, id), author, batch);
      }
      if (classId !== null) {
        const unlabeled = leaveUnlabeled.get(imageId) as { sha256: string } | undefined;
        if (unlabeled) setSplit.run(splitForHash(unlabeled.sha256), imageId);
      }
      refreshImageClass(db, imageId);
      changed++;
    }
  }).immediate();
  return changed;
}

export interface HistoryEntry {
  id: number;
  annotationId: number;
  imageId: number;
  action: 'create' | 'update' | 'delete';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  author: string | null;
  batch: string | null;
  at: string;
}

export function annotationHistory(db: Database.Database, imageId: number): HistoryEntry[] {
  const rows = db.prepare('SELECT * FROM annotation_history WHERE image_id = ? ORDER BY id').all(imageId) as {
    id: number; annotation_id: number; image_id: number; action: HistoryEntry['action'];
    before: string | null; after: string | null; author: string | null; batch: string | null; at: string;
  }[];
  return rows.map((r) => ({
    id: r.id,
    annotationId: r.annotation_id,
    imageId: r.image_id,
    action: r.action,
    before: r.before ? JSON.parse(r.before) : null,
    after: r.after ? JSON.parse(r.after) : null,
    author: r.author,
    batch: r.batch,
    at: r.at,
  }));
}
