import Database from 'better-sqlite3';

/**
 * Open a SQLite file the way every part of Apprentice expects it: WAL so readers never
 * block the writer, foreign keys enforced, synchronous=NORMAL (durable across app crashes
 * in WAL mode), and a busy timeout so a second process waits briefly instead of failing.
 */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Database.Database {
  const db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  // A 64 MiB page cache and memory-mapped reads keep gallery pages of a 100k-image project
  // in memory instead of re-reading the file for every scroll.
  db.pragma('cache_size = -65536');
  db.pragma('mmap_size = 268435456');
  return db;
}
