import type { Migration } from './types';

/**
 * The first schema: project settings, classes, images, annotations with provenance and an
 * append-only history, models, jobs. Geometry is JSON, normalized to the EXIF-corrected size.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up: `
    CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );

    CREATE TABLE classes (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE COLLATE NOCASE,
      color TEXT NOT NULL,
      position INTEGER NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );

    CREATE TABLE images (
      id INTEGER PRIMARY KEY,
      sha256 TEXT NOT NULL UNIQUE,
      original_path TEXT NOT NULL,
      file_name TEXT NOT NULL,
      media_path TEXT NOT NULL,
      width INTEGER NOT NULL CHECK (width > 0),
      height INTEGER NOT NULL CHECK (height > 0),
      format TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      split TEXT NOT NULL CHECK (split IN ('train', 'val', 'test', 'unlabeled')),
      -- The image-level class, kept equal to the live human tag (else an accepted or corrected
      -- pseudo tag) by the annotation writers, so gallery filters walk one index.
      class_id INTEGER REFERENCES classes (id) ON DELETE SET NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX images_split ON images (split, id);
    CREATE INDEX images_class ON images (class_id, id);

    CREATE TABLE models (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      arch TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('trained', 'imported')),
      path TEXT NOT NULL,
      classes TEXT NOT NULL DEFAULT '[]',
      metrics TEXT NOT NULL DEFAULT '{}',
      backend TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );

    CREATE TABLE annotations (
      id INTEGER PRIMARY KEY,
      image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      class_id INTEGER REFERENCES classes (id) ON DELETE SET NULL,
      kind TEXT NOT NULL CHECK (kind IN ('tag', 'box', 'polygon')),
      geometry TEXT,
      source TEXT NOT NULL CHECK (source IN ('human', 'pseudo', 'model')),
      model_id TEXT REFERENCES models (id) ON DELETE SET NULL,
      round INTEGER,
      confidence REAL,
      soft_label TEXT,
      status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'corrected')),
      author TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      deleted_at TEXT
    );
    -- The image-level class of an image: at most one live tag per image and source.
    CREATE UNIQUE INDEX annotations_one_live_tag
      ON annotations (image_id, source) WHERE kind = 'tag' AND deleted_at IS NULL;
    CREATE INDEX annotations_by_image ON annotations (image_id) WHERE deleted_at IS NULL;
    -- Gallery filter "class X": walk the class's live tags in image order.
    CREATE INDEX annotations_tag_by_class
      ON annotations (class_id, image_id) WHERE kind = 'tag' AND deleted_at IS NULL;
    -- Review queue: pending pseudo-labels, lowest confidence first (keyset paging).
    CREATE INDEX annotations_pending_pseudo
      ON annotations (confidence, image_id) WHERE source = 'pseudo' AND status = 'pending' AND deleted_at IS NULL;

    -- Append-only: every change to an annotation, for undo and audit.
    CREATE TABLE annotation_history (
      id INTEGER PRIMARY KEY,
      annotation_id INTEGER NOT NULL,
      image_id INTEGER NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
      before TEXT,
      after TEXT,
      author TEXT,
      batch TEXT,
      at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX annotation_history_by_annotation ON annotation_history (annotation_id, id);
    CREATE TRIGGER annotation_history_no_update BEFORE UPDATE ON annotation_history
      BEGIN SELECT RAISE(ABORT, 'annotation_history is append-only'); END;
    CREATE TRIGGER annotation_history_no_delete BEFORE DELETE ON annotation_history
      BEGIN SELECT RAISE(ABORT, 'annotation_history is append-only'); END;

    CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      input TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
      progress TEXT,
      result TEXT,
      error TEXT,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      started_at TEXT,
      finished_at TEXT
    );
    CREATE INDEX jobs_by_created ON jobs (created_at);
  `,
};
