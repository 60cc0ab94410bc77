import type { Migration } from './types';

/**
 * Models keep what a person compares runs by: the training history, confusion matrix,
 * misclassified images, options and search trials (JSON), plus parameter count and speed.
 */
export const modelDetails: Migration = {
  version: 2,
  name: 'model-details',
  up: `
    ALTER TABLE models ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE models ADD COLUMN params INTEGER;
    ALTER TABLE models ADD COLUMN training_seconds REAL;
    ALTER TABLE models ADD COLUMN images_per_second REAL;
    CREATE INDEX models_by_created ON models (created_at);
  `,
};
