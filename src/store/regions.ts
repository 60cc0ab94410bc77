import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { BoxGeometry, PolygonGeometry, Region, RegionsState } from '../api/types';
import { recordHistory, rowById, type AnnotationRow } from './annotations';
import { getClass } from './classes';
import { getImageRow } from './images';

export type RegionGeometry = BoxGeometry | PolygonGeometry;

/** A region to draw on an image. */
export interface RegionInput {
  classId: number;
  kind: 'box' | 'polygon';
  geometry: RegionGeometry;
}

/** A change to one region: a new class, a new geometry, or both. */
export interface RegionChange {
  id: number;
  classId?: number;
  geometry?: RegionGeometry;
}

/** Undo steps kept per image; older ones are dropped. */
export const MAX_REGION_STEPS = 200;

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

function toRegion(r: AnnotationRow): Region {
  return {
    id: r.id,
    imageId: r.image_id,
    classId: r.class_id,
    kind: r.kind as Region['kind'],
    geometry: JSON.parse(r.geometry ?? 'null') as RegionGeometry,
    source: r.source,
    status: r.status,
    confidence: r.confidence,
    modelId: r.model_id,
    round: r.round,
  };
}

function isPolygon(g: RegionGeometry): g is PolygonGeometry {
  return Array.isArray((g as PolygonGeometry).points);
}

/** Live boxes and polygons of an image that are not rejected, by id. */
export function listRegions(db: Database.Database, imageId: number): Region[] {
  const rows = db
    .prepare(
      "SELECT * FROM annotations WHERE image_id = ? AND deleted_at IS NULL AND kind IN ('box', 'polygon') AND status != 'rejected' ORDER BY id",
    )
    .all(imageId) as AnnotationRow[];
  return rows.map(toRegion);
}

function lastDone(db: Database.Database, imageId: number): { id: number; batch: string } | undefined {
  return db.prepare("SELECT id, batch FROM shape_edits WHERE image_id = ? AND state = 'done' ORDER BY id DESC LIMIT 1").get(imageId) as
    | { id: number; batch: string }
    | undefined;
}

function firstRedoable(db: Database.Database, imageId: number): { id: number; batch: string } | undefined {
  const after = lastDone(db, imageId)?.id ?? 0;
  return db.prepare("SELECT id, batch FROM shape_edits WHERE image_id = ? AND state = 'undone' AND id > ? ORDER BY id LIMIT 1").get(imageId, after) as
    | { id: number; batch: string }
    | undefined;
}

/** The regions of an image with its undo/redo availability. */
export function regionsState(db: Database.Database, imageId: number): RegionsState {
  return {
    imageId,
    regions: listRegions(db, imageId),
    canUndo: lastDone(db, imageId) !== undefined,
    canRedo: firstRedoable(db, imageId) !== undefined,
  };
}

/** A live, listed box or polygon of this image, else NOT_FOUND naming the id. */
function editableRow(db: Database.Database, imageId: number, id: number): AnnotationRow {
  const row = rowById(db, id);
  if (!row || row.image_id !== imageId || row.deleted_at !== null || (row.kind !== 'box' && row.kind !== 'polygon') || row.status === 'rejected') {
    throw new AppError('NOT_FOUND', `There is no region ${id} on image ${imageId}.`);
  }
  return row;
}

function checkGeometry(kind: 'box' | 'polygon', geometry: RegionGeometry, what: string): void {
  if (isPolygon(geometry) !== (kind === 'polygon')) {
    throw new AppError('INVALID_INPUT', `${what} is a ${kind}; its geometry must be ${kind === 'box' ? '{ x, y, w, h }' : '{ points }'}.`);
  }
}

/**
 * Record a new undo step for the image: the image's undone steps (its redo branch) are dropped,
 * and only the latest MAX_REGION_STEPS steps are kept. Run inside the edit's transaction.
 */
function recordStep(db: Database.Database, imageId: number, batch: string): void {
  db.prepare("DELETE FROM shape_edits WHERE image_id = ? AND state = 'undone'").run(imageId);
  db.prepare("INSERT INTO shape_edits (image_id, batch, state) VALUES (?, ?, 'done')").run(imageId, batch);
  db.prepare('DELETE FROM shape_edits WHERE image_id = ? AND id <= (SELECT id FROM shape_edits WHERE image_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)').run(
    imageId,
    imageId,
    MAX_REGION_STEPS,
  );
}

/**
 * Draw regions on an image as a person's (human, accepted) annotations. One transaction and one
 * undo step; returns the new ids in input order.
 */
export function createRegions(db: Database.Database, imageId: number, shapes: RegionInput[], author: string | null): number[] {
  const insert = db.prepare("INSERT INTO annotations (image_id, class_id, kind, geometry, source, status, author) VALUES (?, ?, ?, ?, 'human', 'accepted', ?)");
  const batch = randomUUID();
  return db
    .transaction(() => {
      getImageRow(db, imageId);
      shapes.forEach((s, i) => {
        getClass(db, s.classId);
        checkGeometry(s.kind, s.geometry, `Shape ${i + 1}`);
      });
      const ids = shapes.map((s) => {
        const id = Number(insert.run(imageId, s.classId, s.kind, JSON.stringify(s.geometry), author).lastInsertRowid);
        recordHistory(db, 'create', undefined, rowById(db, id), author, batch);
        return id;
      });
      if (ids.length) recordStep(db, imageId, batch);
      return ids;
    })
    .immediate();
}

/**
 * Change the class and/or geometry of regions of an image. A pseudo (or model) region that a
 * person changes becomes 'corrected'. One transaction and one undo step (none when nothing
 * changed); returns how many regions changed.
 */
export function updateRegions(db: Database.Database, imageId: number, changes: RegionChange[], author: string | null): number {
  const update = db.prepare(`UPDATE annotations SET class_id = ?, geometry = ?, status = ?, author = ?, updated_at = ${NOW} WHERE id = ?`);
  const batch = randomUUID();
  return db
    .transaction(() => {
      getImageRow(db, imageId);
      let changed = 0;
      for (const c of changes) {
        const before = editableRow(db, imageId, c.id);
        if (c.classId !== undefined) getClass(db, c.classId);
        if (c.geometry !== undefined) checkGeometry(before.kind as 'box' | 'polygon', c.geometry, `Region ${c.id}`);
        const classId = c.classId ?? before.class_id;
        const geometry = c.geometry !== undefined ? JSON.stringify(c.geometry) : before.geometry;
        if (classId === before.class_id && geometry === before.geometry) continue;
        const status = before.source === 'human' ? before.status : 'corrected';
        update.run(classId, geometry, status, author, c.id);
        recordHistory(db, 'update', before, rowById(db, c.id), author, batch);
        changed++;
      }
      if (changed) recordStep(db, imageId, batch);
      return changed;
    })
    .immediate();
}

/**
 * Delete regions of an image: a person's region is soft-deleted (history keeps it); a pseudo
 * (or model) region is marked 'rejected', so the decision is kept and it is no longer listed.
 * One transaction and one undo step; returns how many regions changed.
 */
export function deleteRegions(db: Database.Database, imageId: number, ids: number[], author: string | null): number {
  const softDelete = db.prepare(`UPDATE annotations SET deleted_at = ${NOW}, author = ?, updated_at = ${NOW} WHERE id = ?`);
  const reject = db.prepare(`UPDATE annotations SET status = 'rejected', author = ?, updated_at = ${NOW} WHERE id = ?`);
  const batch = randomUUID();
  return db
    .transaction(() => {
      getImageRow(db, imageId);
      const unique = [...new Set(ids)];
      const rows = unique.map((id) => editableRow(db, imageId, id));
      for (const before of rows) {
        if (before.source === 'human') {
          softDelete.run(author, before.id);
          recordHistory(db, 'delete', before, rowById(db, before.id), author, batch);
        } else {
          reject.run(author, before.id);
          recordHistory(db, 'update', before, rowById(db, before.id), author, batch);
        }
      }
      if (rows.length) recordStep(db, imageId, batch);
      return rows.length;
    })
    .immediate();
}

type StoredRow = Pick<AnnotationRow, 'class_id' | 'geometry' | 'status' | 'author' | 'deleted_at'>;

/**
 * Put one annotation back into a recorded state (null: as before it was created, i.e. deleted),
 * with a history row in `batch`. A state whose class was removed since is left alone (removing
 * a class deleted its regions; undo does not bring them back without a class).
 */
function restore(db: Database.Database, annotationId: number, target: StoredRow | null, author: string | null, batch: string): boolean {
  const current = rowById(db, annotationId);
  if (!current) return false;
  const live = target !== null && target.deleted_at === null;
  if (live && target.class_id !== null && !db.prepare('SELECT 1 FROM classes WHERE id = ?').get(target.class_id)) return false;
  const same = live
    ? current.deleted_at === null && current.class_id === target.class_id && current.geometry === target.geometry && current.status === target.status
    : current.deleted_at !== null;
  if (same) return false;
  if (live) {
    db.prepare(`UPDATE annotations SET class_id = ?, geometry = ?, status = ?, author = ?, deleted_at = NULL, updated_at = ${NOW} WHERE id = ?`).run(
      target.class_id,
      target.geometry,
      target.status,
      target.author,
      annotationId,
    );
  } else {
    db.prepare(`UPDATE annotations SET deleted_at = ${NOW}, updated_at = ${NOW} WHERE id = ?`).run(annotationId);
  }
  const after = rowById(db, annotationId)!;
  const action = current.deleted_at === null && after.deleted_at !== null ? 'delete' : current.deleted_at !== null && after.deleted_at === null ? 'create' : 'update';
  recordHistory(db, action, current, after, author, batch);
  return true;
}

function replay(db: Database.Database, imageId: number, direction: 'undo' | 'redo', author: string | null): RegionsState & { changed: number } {
  const changed = db
    .transaction(() => {
      const step = direction === 'undo' ? lastDone(db, imageId) : firstRedoable(db, imageId);
      if (!step) return 0;
      const entries = db
        .prepare(`SELECT annotation_id, before, after FROM annotation_history WHERE batch = ? ORDER BY id ${direction === 'undo' ? 'DESC' : 'ASC'}`)
        .all(step.batch) as { annotation_id: number; before: string | null; after: string | null }[];
      const touched = new Set<number>();
      for (const e of entries) {
        const state = direction === 'undo' ? e.before : e.after;
        if (restore(db, e.annotation_id, state ? (JSON.parse(state) as StoredRow) : null, author, `${direction}:${step.batch}`)) touched.add(e.annotation_id);
      }
      db.prepare('UPDATE shape_edits SET state = ? WHERE id = ?').run(direction === 'undo' ? 'undone' : 'done', step.id);
      return touched.size;
    })
    .immediate();
  return { ...regionsState(db, imageId), changed };
}

/** Step back the image's latest region edit. `changed` is 0 when there is nothing to undo. */
export function undoRegions(db: Database.Database, imageId: number, author: string | null): RegionsState & { changed: number } {
  getImageRow(db, imageId);
  return replay(db, imageId, 'undo', author);
}

/** Reapply the image's next undone region edit. `changed` is 0 when there is nothing to redo. */
export function redoRegions(db: Database.Database, imageId: number, author: string | null): RegionsState & { changed: number } {
  getImageRow(db, imageId);
  return replay(db, imageId, 'redo', author);
}
