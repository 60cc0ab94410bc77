import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import { MIGRATIONS, LATEST_VERSION, type Migration } from './migrations';

export interface MigrateOptions {
  /** Where to put the `VACUUM INTO` snapshot taken before an existing database is migrated. */
  backupPath?: (fromVersion: number) => string;
  migrations?: readonly Migration[];
}

/**
 * Bring a database to the latest schema. Each migration runs in its own transaction that
 * also sets user_version, so a crash leaves the database at a whole version. A database
 * written by a newer Apprentice is refused, never touched.
 */
export function migrate(db: Database.Database, options: MigrateOptions = {}): { from: number; to: number; backup?: string } {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : LATEST_VERSION;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) {
    throw new AppError(
      'DATABASE_TOO_NEW',
      `This project was saved by a newer version of Apprentice (schema ${from}; this version knows up to ${latest}). Update Apprentice to open it.`,
    );
  }
  if (from === latest) return { from, to: from };

  let backup: string | undefined;
  if (from > 0 && options.backupPath) {
    backup = options.backupPath(from);
    if (!existsSync(backup)) db.prepare('VACUUM INTO ?').run(backup);
  }
  for (const m of migrations) {
    if (m.version <= from) continue;
    runMigration(db, m);
  }
  return { from, to: latest, ...(backup ? { backup } : {}) };
}

/** One migration in one transaction; a table rebuild with foreign keys off and every reference checked before commit. */
function runMigration(db: Database.Database, m: Migration): void {
  const keysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (m.rebuildsTables && keysWereOn) db.pragma('foreign_keys = OFF'); // a no-op inside a transaction, so before it
  try {
    db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      if (m.rebuildsTables) {
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length) throw new Error(`migration ${m.version} (${m.name}) would break ${broken.length} references`);
      }
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  } finally {
    if (m.rebuildsTables && keysWereOn) db.pragma('foreign_keys = ON');
  }
}
