import type { Migration } from './types';

/**
 * The class panel counts each class's regions (boxes and polygons a person drew, or accepted or
 * corrected from a teacher) beside its labeled images. This partial index holds exactly the live
 * regions by class, so that count reads regions only, never the (many more) image tags.
 */
export const shapeClassIndex: Migration = {
  version: 7,
  name: 'shape-class-index',
  up: `
    CREATE INDEX annotations_live_shapes
      ON annotations (class_id, source, status) WHERE kind IN ('box', 'polygon') AND deleted_at IS NULL;
  `,
};
