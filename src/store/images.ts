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

/** Where an image's bytes are: its media path and content hash (what decoding and the pixel cache need). */
export interface ImageFile {
  media_path: string;
  sha256: string;
}

/** Some images' files, in the order of the ids given; ids that match no image are left out. */
export function imageFiles(db: Database.Database, ids: readonly number[]): (ImageFile & { id: number })[] {
  const select = db.prepare('SELECT id, media_path, sha256 FROM images WHERE id = ?');
  return ids.map((id) => select.get(id) as (ImageFile & { id: number }) | undefined).filter((r) => r !== undefined);
}

/** Up to `limit` images picked at random: the samples an export is verified on. */
export function randomImageFiles(db: Database.Database, limit: number): ImageFile[] {
  return db.prepare('SELECT media_path, sha256 FROM images ORDER BY random() LIMIT ?').all(limit) as ImageFile[];
}

/** The first `limit` images' files and sizes, in import order: the sample a project's input size is inferred from. */
export function firstImageSizes(db: Database.Database, limit: number): { media_path: string; width: number; height: number }[] {
  return db.prepare('SELECT media_path, width, height FROM images ORDER BY id LIMIT ?').all(limit) as { media_path: string; width: number; height: number }[];
}

/** Images in the project, or in one split. */
export function countImages(db: Database.Database, split?: Split): number {
  return split === undefined
    ? (db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n
    : (db.prepare('SELECT COUNT(*) AS n FROM images WHERE split = ?').get(split) as { n: number }).n;
}

export interface LabeledRow extends ImageFile {
  id: number;
  split: Exclude<Split, 'unlabeled'>;
  class_id: number;
}

/** The project's labeled images (outside the unlabeled split), in import order. */
export function labeledRows(db: Database.Database): LabeledRow[] {
  return db
    .prepare("SELECT id, media_path, sha256, split, class_id FROM images WHERE class_id IS NOT NULL AND split != 'unlabeled' ORDER BY id")
    .all() as LabeledRow[];
}

export interface ImageWithClassName extends ImageFile {
  id: number;
  original_path: string;
  class_name: string | null;
}

/** Images to predict with their class names (null when unlabeled): the given ids (in that order, unknown ones left out), else one split, else all, in import order. */
export function imagesWithClassName(db: Database.Database, split: Split | null, imageIds?: readonly number[]): ImageWithClassName[] {
  const select = 'SELECT i.id, i.media_path, i.sha256, i.original_path, c.name AS class_name FROM images i LEFT JOIN classes c ON c.id = i.class_id';
  return imageIds
    ? imageIds.map((id) => db.prepare(`${select} WHERE i.id = ?`).get(id) as ImageWithClassName | undefined).filter((r): r is ImageWithClassName => r !== undefined)
    : (db.prepare(`${select} ${split ? 'WHERE i.split = ?' : ''} ORDER BY i.id`).all(...(split ? [split] : [])) as ImageWithClassName[]);
}

export type IncludeSource = 'human' | 'accepted' | 'corrected' | 'pending' | 'rejected';

export interface LabeledImage {
  id: number;
  sha256: string;
  fileName: string;
  mediaPath: string;
  split: Split;
  width: number;
  height: number;
  /** The image's class among the included sources, or null. */
  className: string | null;
}

/**
 * Every image with the class an export should write for it: a human tag when 'human' is
 * included, else the newest pseudo/model tag whose status is included. Pending pseudo-labels
 * therefore never leave the project unless asked for.
 */
export function* labeledImages(db: Database.Database, include: readonly IncludeSource[]): Generator<LabeledImage> {
  const statuses = include.filter((s) => s !== 'human');
  const humanOk = include.includes('human') ? 1 : 0;
  const placeholders = statuses.map(() => '?').join(',') || "''";
  const stmt = db.prepare(`
    SELECT i.id, i.sha256, i.file_name AS fileName, i.media_path AS mediaPath, i.split, i.width, i.height,
      (SELECT c.name FROM annotations a JOIN classes c ON c.id = a.class_id
        WHERE a.image_id = i.id AND a.kind = 'tag' AND a.deleted_at IS NULL
          AND ((a.source = 'human' AND ? = 1) OR (a.source != 'human' AND a.status IN (${placeholders})))
        ORDER BY a.source = 'human' DESC, a.updated_at DESC LIMIT 1) AS className
    FROM images i ORDER BY i.id`);
  yield* stmt.iterate(humanOk, ...statuses) as Iterable<LabeledImage>;
}
