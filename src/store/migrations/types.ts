import type Database from 'better-sqlite3';

/**
 * One schema step. `up` is SQL run inside the migration's transaction, or a function given the
 * database inside it (for steps that read the schema, like a table rebuild).
 * `rebuildsTables`: the step drops and recreates tables that others reference, which SQLite allows
 * only with foreign keys off (its documented 12-step table change); migrate() turns them off
 * around the transaction and checks every reference before it commits.
 */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Database.Database) => void);
  rebuildsTables?: boolean;
}
