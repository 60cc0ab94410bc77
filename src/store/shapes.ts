import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Split } from '../api/types';
import { recordHistory, rowById } from './annotations';

/** A box or polygon, geometry normalized to the EXIF-upright image size. */
export interface NewShape {
  classId: number;
  kind: 'box' | 'polygon';
  /** box: { x, y, w, h }; polygon: { points: [x, y][] } — all in [0, 1]. */
  geometry: { x: number; y: number; w: number; h: number } | { points: [number, number][] };
}

/** Add human shapes to an image, one history row each. Run inside the caller's transaction. */
export function addShapes(db: Database.Database, imageId: number, shapes: NewShape[], author: string | null, batch: string = randomUUID()): number {
  const insert = db.prepare("INSERT INTO annotations (image_id, class_id, kind, geometry, source, status, author) VALUES (?, ?, ?, ?, 'human', 'accepted', ?)");
  for (const s of shapes) {
    const id = Number(insert.run(imageId, s.classId, s.kind, JSON.stringify(s.geometry), author).lastInsertRowid);
    recordHistory(db, 'create', undefined, rowById(db, id), author, batch);
  }
  return shapes.length;
}

export interface ShapeRow {
  imageId: number;
  classId: number | null;
  kind: 'box' | 'polygon';
  geometry: NewShape['geometry'];
  source: string;
  status: string;
}

/** Every live shape, in image order, for exports. */
export function liveShapes(db: Database.Database): ShapeRow[] {
  return (
    db
      .prepare("SELECT image_id AS imageId, class_id AS classId, kind, geometry, source, status FROM annotations WHERE kind IN ('box', 'polygon') AND deleted_at IS NULL ORDER BY image_id, id")
      .all() as (Omit<ShapeRow, 'geometry'> & { geometry: string })[]
  ).map((r) => ({ ...r, geometry: JSON.parse(r.geometry) as NewShape['geometry'] }));
}

export interface TrainingBoxRow {
  image_id: number;
  class_id: number;
  geometry: string;
  status: string;
  confidence: number | null;
  media_path: string;
  sha256: string;
  split: Split;
}

/**
 * The boxes a box student learns from, with their images, by image: boxes a person drew or
 * decided (accepted, corrected) and, when `pendingAbove` is given, a teacher's pending boxes
 * scoring at least that much. Rejected and deleted boxes never are.
 */
export function trainingBoxRows(db: Database.Database, pendingAbove: number | null): TrainingBoxRow[] {
  return db
    .prepare(
      `SELECT a.image_id, a.class_id, a.geometry, a.status, a.confidence, i.media_path, i.sha256, i.split
         FROM annotations a JOIN images i ON i.id = a.image_id
        WHERE a.kind = 'box' AND a.deleted_at IS NULL AND a.class_id IS NOT NULL
          AND (a.status IN ('accepted', 'corrected') OR (a.status = 'pending' AND a.source = 'pseudo' AND ? IS NOT NULL AND a.confidence >= ?))
        ORDER BY a.image_id, a.id`,
    )
    .all(pendingAbove, pendingAbove) as TrainingBoxRow[];
}
