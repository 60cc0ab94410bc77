import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { BackupInfo } from '../api/types';
import { openDatabase } from './open';
import { LATEST_VERSION } from './migrations';
import { projectPaths } from './project-folder';

/** Automatic snapshots kept per reason; older ones are deleted when a new one is taken. */
export const DEFAULT_KEEP = 10;
/** Reasons whose snapshots are pruned to the last `keep`; manual and migration backups stay until a person deletes them. */
export const AUTOMATIC_REASONS: readonly string[] = ['auto', 'before-restore'];

const REASON = /^[a-z][a-z0-9-]{0,39}$/;
/** A backup name is one plain file name in backups/: no separators, no "..", nothing hidden. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*\.sqlite$/;
/** `<reason>-2024-05-01T12-30-00-123Z[-n].sqlite`: colons are not allowed in Windows file names. */
const STAMPED = /^(?<reason>[a-z][a-z0-9-]*?)-(?<stamp>\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)(?:-\d+)?\.sqlite$/;

export function isValidBackupName(name: string): boolean {
  return NAME.test(name) && !name.includes('..') && basename(name) === name;
}

function stampOf(d: Date): string {
  return d.toISOString().replace(/:/g, '-').replace('.', '-');
}

function describe(backupsDir: string, name: string): BackupInfo {
  const st = statSync(join(backupsDir, name));
  const m = STAMPED.exec(name);
  if (m?.groups) {
    const s = m.groups.stamp!;
    const iso = `${s.slice(0, 10)}T${s.slice(11, 13)}:${s.slice(14, 16)}:${s.slice(17, 19)}.${s.slice(20, 23)}Z`;
    return { name, reason: m.groups.reason!, size: st.size, createdAt: iso };
  }
  // Backups written before this module (e.g. before-migration-v1-<ms>.sqlite): the reason is the
  // part before the first digit group, the time is the file's.
  const legacy = /^(.*?)(?:-v\d+)?-\d+\.sqlite$/.exec(name);
  return { name, reason: legacy?.[1] || 'other', size: st.size, createdAt: st.mtime.toISOString() };
}

/** Every backup in the folder, newest first (same-millisecond ones by their -n suffix). Temp files of an interrupted snapshot are not listed. */
export function listBackups(backupsDir: string): BackupInfo[] {
  if (!existsSync(backupsDir)) return [];
  return readdirSync(backupsDir)
    .filter((n) => isValidBackupName(n))
    .map((n) => describe(backupsDir, n))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.length - a.name.length || (b.name < a.name ? -1 : b.name > a.name ? 1 : 0));
}

/**
 * Copy the database to `backups/<reason>-<timestamp>.sqlite` with `VACUUM INTO` (a consistent
 * snapshot even while others write, compacted), into a temp name first and renamed when whole,
 * so a crash never leaves a half backup under a real name. Then prune automatic ones.
 */
export function snapshot(db: Database.Database, backupsDir: string, reason: string, options: { keep?: number; now?: Date } = {}): BackupInfo {
  if (!REASON.test(reason)) throw new AppError('INVALID_INPUT', `"${reason}" is not a backup reason (lowercase letters, digits and dashes).`);
  try {
    mkdirSync(backupsDir, { recursive: true });
  } catch (err) {
    // EEXIST: something that is not a folder sits where backups/ should be.
    throw new AppError('IO_ERROR', `The disk refused the backup: ${backupsDir} cannot be used as a folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  const stamp = stampOf(options.now ?? new Date());
  let name = `${reason}-${stamp}.sqlite`;
  for (let n = 2; existsSync(join(backupsDir, name)); n++) name = `${reason}-${stamp}-${n}.sqlite`;
  const target = join(backupsDir, name);
  const tmp = join(backupsDir, `.${name}.tmp`);
  rmSync(tmp, { force: true });
  try {
    db.prepare('VACUUM INTO ?').run(tmp);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  if (AUTOMATIC_REASONS.includes(reason)) prune(backupsDir, reason, options.keep ?? DEFAULT_KEEP);
  return describe(backupsDir, name);
}

/** Delete all but the newest `keep` backups of one reason. */
export function prune(backupsDir: string, reason: string, keep: number): string[] {
  const old = listBackups(backupsDir)
    .filter((b) => b.reason === reason)
    .slice(Math.max(0, keep));
  for (const b of old) rmSync(join(backupsDir, b.name), { force: true });
  return old.map((b) => b.name);
}

/** The file of a backup, refusing any name that could point outside the backups folder. */
export function backupFile(backupsDir: string, name: string): string {
  if (!isValidBackupName(name)) throw new AppError('INVALID_INPUT', `"${name}" is not a backup name.`);
  const root = resolve(backupsDir);
  const file = resolve(root, name);
  if (!file.startsWith(root + sep)) throw new AppError('PATH_OUTSIDE_PROJECT', `"${name}" is outside the backups folder.`);
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `There is no backup "${name}".`);
  return file;
}

/** Open a backup read-only and check it is a whole Apprentice database this version can open. */
function checkBackup(file: string, name: string): void {
  let db: Database.Database | null = null;
  try {
    db = openDatabase(file, { readonly: true });
    const ok = db.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new AppError('INVALID_INPUT', `The backup "${name}" is damaged (${String(ok)}); the project was not changed.`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_VERSION) throw new AppError('DATABASE_TOO_NEW', `The backup "${name}" was written by a newer Apprentice; the project was not changed.`);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('INVALID_INPUT', `The backup "${name}" is not a readable database (${(err as Error).message}); the project was not changed.`);
  } finally {
    db?.close();
  }
}

/**
 * Put a backup back as the project's database. The caller must have closed its own connection
 * to the project first. The current state is snapshotted first (reason "before-restore"), so a
 * restore can itself be undone. The backup is copied beside project.sqlite and renamed over it,
 * so a crash leaves either the old or the restored database, never a mix; the WAL and shared
 * memory files of the old database are removed before the rename (they must never be applied to
 * the restored file) — after a clean checkpoint they hold nothing.
 */
export function restoreBackup(projectDir: string, name: string, options: { keep?: number } = {}): { restored: string; safety: BackupInfo } {
  const paths = projectPaths(projectDir);
  const file = backupFile(paths.backups, name);
  checkBackup(file, name);

  const db = openDatabase(paths.database);
  let safety: BackupInfo;
  try {
    safety = snapshot(db, paths.backups, 'before-restore', options);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }

  const tmp = `${paths.database}.restore.tmp`;
  rmSync(tmp, { force: true });
  try {
    copyFileSync(file, tmp);
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    for (const extra of ['-wal', '-shm', '-journal']) rmSync(`${paths.database}${extra}`, { force: true });
    renameSync(tmp, paths.database);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { restored: name, safety };
}
