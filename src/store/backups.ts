import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import { pathInside } from './confine';
import type { BackupInfo } from '../api/types';
import { openDatabase } from './open';
import { migrate } from './migrate';
import { LATEST_VERSION } from './migrations';
import type { ProjectPaths } from './project-paths';
import { withWriteLock } from './write-lock';

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
  const file = pathInside(backupsDir, [], name, 'backup name'); // also refuses a backups/ that is a symlink out
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `There is no backup "${name}".`);
  return file;
}

/** Open a backup read-only and check it is a whole Apprentice database this version can open. */
export function checkBackup(file: string, name: string): void {
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

/** A copy of the backup, migrated to this version's schema, in a temp file of backups/ (never listed). */
export function preparedCopy(paths: ProjectPaths, file: string): string {
  const work = join(paths.backups, `.restore-${randomBytes(6).toString('hex')}.tmp`);
  copyFileSync(file, work);
  try {
    const db = new Database(work, { fileMustExist: true });
    try {
      db.pragma('journal_mode = DELETE');
      migrate(db);
    } finally {
      db.close();
    }
  } catch (err) {
    removeDatabaseFiles(work);
    throw err;
  }
  return work;
}

function removeDatabaseFiles(file: string): void {
  for (const extra of ['', '-journal', '-wal', '-shm']) rmSync(`${file}${extra}`, { force: true });
}

function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Put a backup back as the project's database, in place, through SQLite's locking: one write
 * transaction on the live database (`db`, a connection to project.sqlite) that replaces every
 * table's rows with the backup's. Other connections and processes are never pulled from under:
 * a concurrent writer (a CLI import) waits on the lock and its later writes land in the restored
 * database; readers keep seeing the old state until the commit.
 *
 * - The backup is checked (integrity, version), copied and migrated to this schema first.
 * - The "before-restore" safety snapshot is taken while this transaction holds the write lock and
 *   has not changed anything yet, by a second connection reading the last committed state: it is
 *   exactly the state the restore replaces (VACUUM INTO cannot run inside a transaction itself).
 * - Triggers (the append-only guard of annotation_history, the region counters) are dropped for
 *   the copy and recreated from their own SQL in the same transaction, so the guard is off only
 *   inside it and the counters come from the backup, not from re-firing on every inserted row.
 *   sqlite_sequence is copied too, so AUTOINCREMENT ids continue where the backup left off.
 * - Foreign keys are checked at commit (defer_foreign_keys), not row by row.
 * The lock is taken with withWriteLock: waiting does not block the event loop.
 */
export async function restoreInPlace(
  db: Database.Database,
  paths: ProjectPaths,
  name: string,
  options: { keep?: number; waitMs?: number } = {},
): Promise<{ restored: string; safety: BackupInfo }> {
  const file = backupFile(paths.backups, name);
  checkBackup(file, name);
  if (db.prepare("SELECT count(*) FROM pragma_database_list WHERE name = 'restore_source'").pluck().get()) {
    throw new AppError('CONFLICT', 'A restore of this project is already running; wait for it to finish.');
  }
  const work = preparedCopy(paths, file);
  let safety: BackupInfo | undefined;
  try {
    db.prepare('ATTACH DATABASE ? AS restore_source').run(work);
    try {
      await withWriteLock(
        db,
        () => {
          const reader = openDatabase(paths.database, { readonly: true });
          try {
            safety = snapshot(reader, paths.backups, 'before-restore', options);
          } finally {
            reader.close();
          }
          replaceAllRows(db, name);
        },
        options.waitMs === undefined ? {} : { waitMs: options.waitMs },
      );
    } finally {
      db.exec('DETACH DATABASE restore_source');
    }
  } finally {
    removeDatabaseFiles(work);
  }
  return { restored: name, safety: safety! };
}

/**
 * Tables a restore merges instead of replacing: `jobs` is the record of what ran, including jobs
 * running right now in other processes (a CLI import waits on its own job row); the backup's
 * older records are added, the current ones kept. Nothing references jobs.
 */
const KEPT_TABLES: ReadonlySet<string> = new Set(['jobs']);

/** Inside the restore's transaction: every table of main gets the rows of restore_source. */
function replaceAllRows(db: Database.Database, name: string): void {
  db.pragma('defer_foreign_keys = ON');
  const tablesOf = (schema: string) =>
    db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  const columnsOf = (schema: string, table: string) =>
    (db.prepare(`SELECT name FROM pragma_table_info(?, ?) ORDER BY cid`).pluck().all(table, schema) as string[]).join(',');
  const tables = tablesOf('main');
  const source = tablesOf('restore_source');
  const mismatch = tables.filter((t) => !source.includes(t) || columnsOf('main', t) !== columnsOf('restore_source', t));
  if (mismatch.length || source.length !== tables.length) {
    throw new AppError('INVALID_INPUT', `The backup "${name}" does not have this project's tables (${mismatch.join(', ') || 'extra tables'}), even after migrating it; the project was not changed.`);
  }
  const triggers = db.prepare("SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER main.${quoteId(t.name)}`);
  // Children are emptied before their parents and parents filled before their children, so no
  // foreign-key action or deferred check ever scans a table per row (a 100k-image restore in the
  // other order is quadratic).
  const ordered = parentsFirst(db, tables);
  for (const t of [...ordered].reverse()) if (!KEPT_TABLES.has(t)) db.exec(`DELETE FROM main.${quoteId(t)}`);
  for (const t of ordered) {
    const cols = (db.prepare('SELECT name FROM pragma_table_info(?, ?) ORDER BY cid').pluck().all(t, 'main') as string[]).map(quoteId).join(', ');
    db.exec(`INSERT ${KEPT_TABLES.has(t) ? 'OR IGNORE ' : ''}INTO main.${quoteId(t)} (${cols}) SELECT ${cols} FROM restore_source.${quoteId(t)}`);
  }
  const hasSequence = (schema: string) => (db.prepare(`SELECT count(*) FROM ${schema}.sqlite_master WHERE name = 'sqlite_sequence'`).pluck().get() as number) > 0;
  if (hasSequence('main')) {
    db.exec('DELETE FROM main.sqlite_sequence');
    if (hasSequence('restore_source')) db.exec('INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM restore_source.sqlite_sequence');
  }
  for (const t of triggers) db.exec(t.sql);
  const broken = db.prepare('SELECT count(*) FROM pragma_foreign_key_check').pluck().get() as number;
  if (broken) throw new AppError('INVALID_INPUT', `The backup "${name}" holds ${broken} rows whose references are broken; the project was not changed.`);
}

/** The tables ordered so that every table comes after the tables its foreign keys reference. */
function parentsFirst(db: Database.Database, tables: string[]): string[] {
  const parents = new Map(
    tables.map((t) => [t, (db.prepare('SELECT DISTINCT "table" FROM pragma_foreign_key_list(?, ?)').pluck().all(t, 'main') as string[]).filter((p) => p !== t && tables.includes(p))]),
  );
  const order: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (done.has(t) || visiting.has(t)) return; // a cycle is left to the deferred check at commit
    visiting.add(t);
    for (const p of parents.get(t) ?? []) visit(p);
    visiting.delete(t);
    done.add(t);
    order.push(t);
  };
  for (const t of tables) visit(t);
  return order;
}

/**
 * Take an "auto" snapshot when the newest one is older than `intervalMs`, or when there is none
 * and the project holds images: projects used only from the CLI get backups too.
 * Returns the snapshot taken, or null.
 */
export function autoSnapshotIfDue(db: Database.Database, backupsDir: string, intervalMs: number, options: { keep?: number; now?: Date } = {}): BackupInfo | null {
  const now = options.now ?? new Date();
  const newest = listBackups(backupsDir).find((b) => b.reason === 'auto');
  if (newest) {
    if (now.getTime() - Date.parse(newest.createdAt) < intervalMs) return null;
  } else if (!db.prepare('SELECT EXISTS (SELECT 1 FROM images)').pluck().get()) {
    return null;
  }
  return snapshot(db, backupsDir, 'auto', { ...options, now });
}
