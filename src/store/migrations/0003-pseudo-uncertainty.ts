import type { Migration } from './types';

/**
 * Pseudo-labels keep how unsure the teacher was (entropy of its soft label, margin between its
 * top two classes) and the temperature of the soft label, so the review queue can walk them in
 * any order of uncertainty through an index.
 */
export const pseudoUncertainty: Migration = {
  version: 3,
  name: 'pseudo-uncertainty',
  up: `
    ALTER TABLE annotations ADD COLUMN entropy REAL;
    ALTER TABLE annotations ADD COLUMN margin REAL;
    ALTER TABLE annotations ADD COLUMN temperature REAL;
    CREATE INDEX annotations_pending_entropy
      ON annotations (entropy DESC, image_id) WHERE source = 'pseudo' AND status = 'pending' AND deleted_at IS NULL;
    CREATE INDEX annotations_pending_margin
      ON annotations (margin, image_id) WHERE source = 'pseudo' AND status = 'pending' AND deleted_at IS NULL;
    CREATE INDEX annotations_pseudo_by_round
      ON annotations (round, status) WHERE source = 'pseudo' AND deleted_at IS NULL;
  `,
};
