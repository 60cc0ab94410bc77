import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
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
