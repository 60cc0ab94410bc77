import { existsSync, readdirSync, rmSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { BackupInfo } from '../api/types';
import { listBackups } from './backups';
import type { ProjectPaths } from './project-paths';

/** What a look at project.sqlite (read-only, before anything writes to it) found. */
export type DatabaseState =
  | { kind: 'ok' }
  /** Zero bytes, or a database with no tables at all. */
  | { kind: 'empty' }
  | { kind: 'damaged'; detail: string }
  /** It could not be looked at read-only (e.g. a read-only folder without the -shm file): the normal open reports why. */
  | { kind: 'unknown' };

/**
 * Look at a database file without writing to it: a read-only connection (which never checkpoints
 * a WAL into the file on close) and `PRAGMA quick_check`.
 */
export function inspectDatabase(file: string): DatabaseState {
  if (!existsSync(file)) return { kind: 'empty' };
  const hadWal = existsSync(`${file}-wal`);
  const hadShm = existsSync(`${file}-shm`);
  const walBytes = hadWal ? statSync(`${file}-wal`).size : 0;
  if (statSync(file).size === 0 && walBytes === 0) return { kind: 'empty' };
  const state = probe(file);
  // A read-only connection to a WAL database creates an empty -wal and -shm beside it; a refused
  // database is left exactly as it was found.
  if (state.kind === 'damaged' || state.kind === 'empty') {
    if (!hadWal && existsSync(`${file}-wal`) && statSync(`${file}-wal`).size === 0) {
      rmSync(`${file}-wal`, { force: true });
      if (!hadShm) rmSync(`${file}-shm`, { force: true });
    }
  }
  return state;
}

function probe(file: string): DatabaseState {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') return { kind: 'damaged', detail: String(check) };
    const objects = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number;
    return objects === 0 ? { kind: 'empty' } : { kind: 'ok' };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT)(_|$)/.test(code)) return { kind: 'damaged', detail: (err as Error).message };
    return { kind: 'unknown' };
  } finally {
    db?.close();
  }
}

/** Every file below `dir` (not following links; unreadable folders are passed over). */
function* filesBelow(dir: string): Generator<{ path: string; entry: Dirent }> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesBelow(path);
    else yield { path, entry };
  }
}

function countFiles(dir: string, limit: number): number {
  let n = 0;
  for (const { entry } of filesBelow(dir)) {
    if (n >= limit) break;
    if (!TEMP_FILE.test(entry.name)) n++;
  }
  return n;
}

/** The command that puts a backup back, as a person would type it. */
export function restoreCommand(dir: string, backup: string): string {
  const quoted = /^[A-Za-z0-9_./:@%+=,-]+$/.test(dir) ? dir : `"${dir.replace(/(["\\$`])/g, '\\$1')}"`;
  return `apprentice restore ${quoted} --backup ${backup}`;
}

function backupHint(paths: ProjectPaths, newest: BackupInfo | undefined): string {
  if (!newest) return ` There is no backup in ${paths.backups}; the image files in ${paths.media} are untouched.`;
  return ` The newest backup is ${newest.name} (taken ${newest.createdAt}); restore it with: ${restoreCommand(paths.dir, newest.name)} ("apprentice backups ${paths.dir}" lists the others).`;
}

/**
 * Refuse to open a project whose database is damaged, or empty while the folder holds a project
 * (media files or backups): opening would start an empty project over the person's work, or write
 * into a damaged file. The error names the newest backup and the command that restores it.
 * An empty file in a folder with nothing else is a new project and is let through.
 */
export function refuseDamagedDatabase(paths: ProjectPaths): void {
  const state = inspectDatabase(paths.database);
  if (state.kind === 'ok' || state.kind === 'unknown') return;
  const backups = listBackups(paths.backups);
  const newest = backups[0];
  const details = { file: paths.database, state: state.kind, backup: newest?.name ?? null, command: newest ? restoreCommand(paths.dir, newest.name) : null };
  if (state.kind === 'damaged') {
    throw new AppError('DATABASE_DAMAGED', `The project database ${paths.database} is damaged (${state.detail}); Apprentice did not open it and wrote nothing into it.${backupHint(paths, newest)}`, details);
  }
  const media = countFiles(paths.media, 1_000_000);
  if (media === 0 && backups.length === 0) return;
  const holds = [media ? `${media} image file${media === 1 ? '' : 's'} in media/` : '', backups.length ? `${backups.length} backup${backups.length === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
  throw new AppError(
    'DATABASE_DAMAGED',
    `The project database ${paths.database} is empty although the folder holds a project (${holds}); Apprentice did not open it, so it does not start over as an empty project.${backupHint(paths, newest)}`,
    details,
  );
}

/** Temp files of writeFileAtomic / copyFileAtomic (src/media/files.ts): `<name>.<12 hex>.tmp`. */
export const TEMP_FILE = /\.[0-9a-f]{12}\.tmp$/;
/**
 * A temp file younger than this may belong to an import running right now in another process
 * (a CLI import beside the open studio); it is left for a later open.
 */
export const TEMP_FILE_GRACE_MS = 10 * 60 * 1000;

/**
 * Remove the temp files a killed import or thumbnailer left behind (only files of the atomic-write
 * naming, only inside media/ and cache/, never following links), older than the grace period.
 * Returns the removed paths.
 */
export function removeLeftoverTempFiles(paths: ProjectPaths, options: { olderThanMs?: number; now?: number } = {}): string[] {
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? TEMP_FILE_GRACE_MS);
  const removed: string[] = [];
  for (const root of [paths.media, join(paths.dir, 'cache')]) {
    for (const { path, entry } of filesBelow(root)) {
      if (!entry.isFile() || !TEMP_FILE.test(entry.name)) continue;
      try {
        if (statSync(path).mtimeMs <= cutoff) {
          rmSync(path, { force: true });
          removed.push(path);
        }
      } catch {
        // Renamed into place (or removed) by its writer meanwhile: nothing to clean.
      }
    }
  }
  return removed;
}
