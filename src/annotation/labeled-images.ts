import type Database from 'better-sqlite3';
import type { Split } from '../api/types';

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
