import { closeSync, existsSync, fsyncSync, openSync, renameSync } from 'node:fs';
import { AppError } from '../api/errors';
import type { BackupInfo } from '../api/types';
import { backupFile, checkBackup, preparedCopy, restoreInPlace } from './backups';
import { inspectDatabase } from './health';
import { openProject, projectPaths } from './project-folder';

export interface RestoreResult {
  restored: string;
  /** The before-restore snapshot of a healthy database that was replaced (null when the database was damaged or empty). */
  safety: BackupInfo | null;
  /** Where a damaged or empty database (and its -wal/-shm) was moved instead of being deleted. */
  setAside: string | null;
}

/**
 * Restore a backup into a project folder, for the CLI (`apprentice restore`), whether or not its
 * database can be opened:
 * - a healthy database is restored in place through SQLite's locking (restoreInPlace), safe with
 *   other processes that have it open;
 * - a damaged or empty one (which every open refuses, so no Apprentice connection is writing it)
 *   is moved aside to `project.sqlite.damaged-<time>` with its -wal/-shm (kept, never deleted:
 *   a WAL must never be applied to another file), and a checked, migrated copy of the backup is
 *   renamed into its place.
 */
export async function restoreProject(dir: string, name: string, options: { keep?: number } = {}): Promise<RestoreResult> {
  const paths = projectPaths(dir);
  if (!existsSync(paths.database) && !existsSync(paths.backups)) {
    throw new AppError('NOT_A_PROJECT', `${paths.dir} is not an Apprentice project (no project.sqlite and no backups/).`);
  }
  const file = backupFile(paths.backups, name);
  checkBackup(file, name);
  const state = existsSync(paths.database) ? inspectDatabase(paths.database) : ({ kind: 'empty' } as const);
  if (state.kind === 'ok' || state.kind === 'unknown') {
    const handle = openProject(paths.dir);
    try {
      const r = await restoreInPlace(handle.db, paths, name, options);
      return { ...r, setAside: null };
    } finally {
      handle.close();
    }
  }
  const work = preparedCopy(paths, file);
  const fd = openSync(work, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  let setAside: string | null = null;
  if (existsSync(paths.database)) {
    setAside = `${paths.database}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const extra of ['-wal', '-shm', '-journal']) {
      if (existsSync(`${paths.database}${extra}`)) renameSync(`${paths.database}${extra}`, `${setAside}${extra}`);
    }
    renameSync(paths.database, setAside);
  }
  renameSync(work, paths.database);
  return { restored: name, safety: null, setAside };
}
