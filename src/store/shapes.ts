import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Split } from '../api/types';
import { recordHistory, refreshImageClass, rowById } from './annotations';

/** The region kinds a project keeps. Boxes and polygons are drawn and trained on; the others come from datasets and go back out. */
export type ShapeKind = 'box' | 'polygon' | 'polyline' | 'points' | 'mask';

/** box: { x, y, w, h }; polygon, polyline, points: { points } — all in [0, 1]; mask: COCO RLE counts over its pixel size. */
export type ShapeGeometry =
  | { x: number; y: number; w: number; h: number }
  | { points: [number, number][] }
  | { mask: { counts: number[]; width: number; height: number } };

/** What a dataset said about a region besides its class and geometry (flags, attributes); stored as JSON. */
export interface ShapeAttributes {
  iscrowd?: boolean;
  difficult?: boolean;
  truncated?: boolean;
  occluded?: boolean;
  zOrder?: number;
  group?: number;
  score?: number;
  attributes?: Record<string, string | number | boolean>;
}

/** A human region, geometry normalized to the EXIF-upright image size. */
export interface NewShape {
  classId: number;
  kind: ShapeKind;
  geometry: ShapeGeometry;
  attributes?: ShapeAttributes;
  /** Who drew it, when not the caller (a dataset's annotator). */
  author?: string;
}

const attributesJson = (a: ShapeAttributes | undefined): string | null => (a && Object.keys(a).length ? JSON.stringify(a) : null);

/** Add human shapes to an image, one history row each. Run inside the caller's transaction. */
export function addShapes(db: Database.Database, imageId: number, shapes: NewShape[], author: string | null, batch: string = randomUUID()): number {
  const insert = db.prepare("INSERT INTO annotations (image_id, class_id, kind, geometry, attributes, source, status, author) VALUES (?, ?, ?, ?, ?, 'human', 'accepted', ?)");
  for (const s of shapes) {
    const id = Number(insert.run(imageId, s.classId, s.kind, JSON.stringify(s.geometry), attributesJson(s.attributes), s.author ?? author).lastInsertRowid);
    recordHistory(db, 'create', undefined, rowById(db, id), author, batch);
  }
  return shapes.length;
}

export interface ShapeRow {
  imageId: number;
  classId: number | null;
  kind: ShapeKind;
  geometry: ShapeGeometry;
  attributes: ShapeAttributes | null;
  author: string | null;
  source: string;
  status: string;
}

/** Every live region of every kind, in image order, for exports. */
export function liveShapes(db: Database.Database): ShapeRow[] {
  return (
    db
      .prepare("SELECT image_id AS imageId, class_id AS classId, kind, geometry, attributes, author, source, status FROM annotations WHERE kind != 'tag' AND deleted_at IS NULL ORDER BY image_id, id")
      .all() as (Omit<ShapeRow, 'geometry' | 'attributes'> & { geometry: string; attributes: string | null })[]
  ).map((r) => ({ ...r, geometry: JSON.parse(r.geometry) as ShapeGeometry, attributes: r.attributes === null ? null : (JSON.parse(r.attributes) as ShapeAttributes) }));
}

/** Every live human tag beyond one per image is a multi-label or several annotators' choice: all of them, for exports. */
export function liveHumanTags(db: Database.Database): { imageId: number; classId: number; author: string | null; attributes: ShapeAttributes | null }[] {
  return (
    db
      .prepare("SELECT image_id AS imageId, class_id AS classId, author, attributes FROM annotations WHERE kind = 'tag' AND source = 'human' AND class_id IS NOT NULL AND deleted_at IS NULL ORDER BY image_id, id")
      .all() as { imageId: number; classId: number; author: string | null; attributes: string | null }[]
  ).map((r) => ({ ...r, attributes: r.attributes === null ? null : (JSON.parse(r.attributes) as ShapeAttributes) }));
}

/**
 * Add human tags an import brings (several classes, several annotators), skipping any the image
 * already has for that class and author. Keeps images.class_id in step. Inside the caller's transaction.
 */
export function addHumanTags(db: Database.Database, imageId: number, tags: { classId: number; author: string; attributes?: ShapeAttributes }[], batch: string = randomUUID()): number {
  const has = db.prepare("SELECT 1 FROM annotations WHERE image_id = ? AND kind = 'tag' AND source = 'human' AND class_id = ? AND IFNULL(author, '') = ? AND deleted_at IS NULL");
  const insert = db.prepare("INSERT INTO annotations (image_id, class_id, kind, attributes, source, status, author) VALUES (?, ?, 'tag', ?, 'human', 'accepted', ?)");
  let added = 0;
  for (const t of tags) {
    if (has.get(imageId, t.classId, t.author)) continue;
    const id = Number(insert.run(imageId, t.classId, attributesJson(t.attributes), t.author).lastInsertRowid);
    recordHistory(db, 'create', undefined, rowById(db, id), t.author, batch);
    added++;
  }
  if (added) refreshImageClass(db, imageId);
  return added;
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
