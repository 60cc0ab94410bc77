import type { Migration } from './types';

/**
 * Undo/redo of region editing (boxes, polygons), per image and persistent: each edit call is one
 * step naming the batch of its annotation_history rows. Undo restores the batch's `before`
 * states and marks the step 'undone'; redo reapplies the `after` states. A new edit drops the
 * image's undone steps. History rows are found by batch, hence the index on it (which also
 * serves the review undo's lookups).
 */
export const shapeEdits: Migration = {
  version: 5,
  name: 'shape-edits',
  up: `
    CREATE TABLE shape_edits (
      id INTEGER PRIMARY KEY,
      image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
      batch TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('done', 'undone')),
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX shape_edits_by_image ON shape_edits (image_id, id);
    CREATE INDEX annotation_history_by_batch ON annotation_history (batch);
  `,
};
