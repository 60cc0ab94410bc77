import Database from 'better-sqlite3';

/**
 * Open a SQLite file the way every part of Apprentice expects it: WAL so readers never
 * block the writer, foreign keys enforced, and a busy timeout so a second process waits briefly
 * instead of failing.
 *
 * synchronous=FULL, not the usual NORMAL: the crash tests (src/reliability) kill a writer with
 * SIGKILL, and on this project's build machines NORMAL lost transactions that had already
 * committed and been acknowledged (thousands over 60 kills of a plain better-sqlite3 loop), while
 * FULL lost none. A label a person saw saved must stay saved; an fsync per commit is cheap next
 * to that (writes here are batched: one transaction per action or per 200 imported images).
 *
 * Every write transaction in the store begins IMMEDIATE (`db.transaction(fn).immediate()`): it
 * takes the write lock first, so a second process (the CLI beside the app) waits out the busy
 * timeout instead of failing at once when a transaction that began by reading tries to write.
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Database.Database {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = FULL');
  // A 64 MiB page cache and memory-mapped reads keep gallery pages of a 100k-image project
  // in memory instead of re-reading the file for every scroll.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  return db;
}
