import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { ImageDetail, ImagePage, ImageSummary, Split } from '../api/types';
import { listAnnotations } from './annotations';

export interface NewImage {
  sha256: string;
  originalPath: string;
  fileName: string;
  mediaPath: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  split: Split;
}

export interface ImageFilter {
  classId?: number;
  split?: Split;
  labeled?: boolean;
}

interface ImageRow {
  id: number;
  sha256: string;
  original_path: string;
  file_name: string;
  media_path: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  split: Split;
  class_id: number | null;
  created_at: string;
}

const SUMMARY_COLUMNS = 'id, file_name, original_path, width, height, split, class_id';

function toSummary(r: Pick<ImageRow, 'id' | 'file_name' | 'original_path' | 'width' | 'height' | 'split' | 'class_id'>): ImageSummary {
  return { id: r.id, fileName: r.file_name, originalPath: r.original_path, width: r.width, height: r.height, split: r.split, classId: r.class_id };
}

export function insertImage(db: Database.Database, img: NewImage): number {
  const info = db
    .prepare(
      `INSERT INTO images (sha256, original_path, file_name, media_path, width, height, format, bytes, split)
       VALUES (@sha256, @originalPath, @fileName, @mediaPath, @width, @height, @format, @bytes, @split)`,
    )
    .run(img);
  return Number(info.lastInsertRowid);
}

export function findImageIdBySha(db: Database.Database, sha256: string): number | undefined {
  return (db.prepare('SELECT id FROM images WHERE sha256 = ?').get(sha256) as { id: number } | undefined)?.id;
}

function whereClause(filter: ImageFilter): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter.classId !== undefined) {
    parts.push('class_id = ?');
    params.push(filter.classId);
  }
  if (filter.split !== undefined) {
    parts.push('split = ?');
    params.push(filter.split);
  }
  if (filter.labeled === true) parts.push('class_id IS NOT NULL');
  if (filter.labeled === false) parts.push('class_id IS NULL');
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', params };
}

/** One page of the gallery in import order. Filters walk images_class / images_split. */
export function listImages(db: Database.Database, filter: ImageFilter, offset: number, limit: number): ImagePage {
  const { sql, params } = whereClause(filter);
  const rows = db
    .prepare(`SELECT ${SUMMARY_COLUMNS} FROM images ${sql} ORDER BY id LIMIT ? OFFSET ?`)
    .all(...params, limit, offset) as ImageRow[];
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM images ${sql}`).get(...params) as { n: number }).n;
  return { items: rows.map(toSummary), total, offset };
}

export function getImageRow(db: Database.Database, id: number): ImageRow {
  const row = db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `There is no image with id ${id}.`);
  return row;
}

export function getImage(db: Database.Database, id: number): ImageDetail {
  const r = getImageRow(db, id);
  return { ...toSummary(r), sha256: r.sha256, format: r.format, bytes: r.bytes, createdAt: r.created_at, annotations: listAnnotations(db, id) };
}

export function assertImagesExist(db: Database.Database, ids: number[]): void {
  const stmt = db.prepare('SELECT 1 FROM images WHERE id = ?');
  for (const id of ids) if (!stmt.get(id)) throw new AppError('NOT_FOUND', `There is no image with id ${id}.`);
}

export function setSplit(db: Database.Database, ids: number[], split: Split): number {
  const stmt = db.prepare("UPDATE images SET split = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND split != ?");
  let n = 0;
  db.transaction(() => {
    for (const id of ids) n += stmt.run(split, id, split).changes;
  }).immediate();
  return n;
}

/** Every image with its class name (null when unlabeled), in import order, for exports. */
export function* iterateImagesWithClass(db: Database.Database): Generator<ImageRow & { class_name: string | null }> {
  yield* db
    .prepare('SELECT images.*, classes.name AS class_name FROM images LEFT JOIN classes ON classes.id = images.class_id ORDER BY images.id')
    .iterate() as Iterable<ImageRow & { class_name: string | null }>;
}
export type { ImageRow };
