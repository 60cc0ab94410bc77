import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';

/** How long a write waits for another process to release the project's write lock before it is refused. */
export const WRITE_LOCK_WAIT_MS = 20_000;

export interface WriteLockOptions {
  /** Give up after this long (default WRITE_LOCK_WAIT_MS). */
  waitMs?: number;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_BUSY(_|$)/.test(code);
}

/**
 * Take the database's write lock without blocking the event loop, run `body` inside one write
 * transaction, and commit.
 *
 * better-sqlite3 is synchronous: a plain `BEGIN IMMEDIATE` while another process (a CLI import
 * beside `serve`) holds the lock freezes the whole thread for up to busy_timeout, and every other
 * request with it. Here the lock is tried with busy_timeout 0 and, while busy, tried again after
 * a timer (5 ms doubling to 100 ms), so reads and other requests are answered in the meantime.
 * Once it is held, `body` runs synchronously to the end (nothing else on this connection can run
 * in between); transactions that `body` opens with `db.transaction()` become savepoints of this
 * one. After `waitMs` without the lock: CONFLICT, saying another process is writing.
 *
 * `body` must be synchronous: a promise would let other code on the same connection run inside
 * this transaction.
 */
export async function withWriteLock<T>(db: Database.Database, body: () => T, options: WriteLockOptions = {}): Promise<T> {
  // Already inside a transaction of this connection (a caller that holds the lock): just run.
  if (db.inTransaction) return runBody(db, body, false);
  const waitMs = options.waitMs ?? WRITE_LOCK_WAIT_MS;
  const started = Date.now();
  let delay = 5;
  for (;;) {
    if (!db.open) throw new AppError('NO_PROJECT', 'The project was closed before this change could be saved; nothing was changed.');
    if (tryBegin(db)) return runBody(db, body, true);
    if (Date.now() - started >= waitMs) {
      throw new AppError(
        'CONFLICT',
        `The project is busy: another Apprentice window or command (a CLI import, a training run) has been writing to it for ${Math.round(waitMs / 1000)} s. Nothing was changed; try again when it is done.`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 100);
  }
}

/** One non-waiting attempt at `BEGIN IMMEDIATE`; false when another connection holds the write lock. */
function tryBegin(db: Database.Database): boolean {
  return writeIfFree(db, () => db.exec('BEGIN IMMEDIATE'));
}

function runBody<T>(db: Database.Database, body: () => T, own: boolean): T {
  try {
    const result = body();
    if (result instanceof Promise) throw new Error('withWriteLock: the body must be synchronous');
    if (own) db.exec('COMMIT');
    return result;
  } catch (err) {
    if (own && db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/**
 * Run a write once without waiting for the lock: false (nothing written) when another process
 * holds it. For writes that are advisory and superseded by the next one, such as a job's
 * progress, so they never freeze the thread.
 */
export function writeIfFree(db: Database.Database, body: () => void): boolean {
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    body();
    return true;
  } catch (err) {
    if (isBusy(err)) return false;
    throw err;
  } finally {
    db.pragma(`busy_timeout = ${previous}`);
  }
}
