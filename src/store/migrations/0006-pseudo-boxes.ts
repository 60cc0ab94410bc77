import type { Migration } from './types';

/**
 * Pseudo boxes from detector teachers. A detector that finds nothing in an image has still
 * labeled it (with zero boxes): pseudo_empty records that, written in the same transaction as the
 * boxes of the other images of its chunk, so a resumed run skips those images too. The partial
 * index holds the live pseudo boxes by status and image (with what review.images aggregates), so
 * listing images to review and counting boxes by status read only boxes, never the tags.
 */
export const pseudoBoxes: Migration = {
  version: 6,
  name: 'pseudo-boxes',
  up: `
    CREATE TABLE pseudo_empty (
      model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
      image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      round INTEGER NOT NULL,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      PRIMARY KEY (model_id, image_id)
    ) WITHOUT ROWID;
    CREATE INDEX pseudo_empty_by_image ON pseudo_empty (image_id);
    CREATE INDEX annotations_pseudo_boxes
      ON annotations (status, image_id, confidence, class_id, round) WHERE kind = 'box' AND source = 'pseudo' AND deleted_at IS NULL;
  `,
};
