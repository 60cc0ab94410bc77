import type { Migration } from './types';

/**
 * Stats count live pseudo-labels by status on every refresh of the status bar. This index holds
 * exactly those rows keyed by status, so each count is an index range count (3 ms at a million
 * annotations instead of a 20-100 ms scan).
 */
export const pseudoStatusIndex: Migration = {
  version: 4,
  name: 'pseudo-status-index',
  up: `
    CREATE INDEX annotations_pseudo_status ON annotations (status) WHERE source = 'pseudo' AND deleted_at IS NULL;
  `,
};
