/**
 * The closed set of error codes that may cross any boundary (IPC, HTTP, CLI).
 * A client turns `{ ok: false, error }` back into an AppError, so callers on
 * every transport catch the same thing. `message` is written for the user.
 */
export const ERROR_CODES = [
  'INVALID_INPUT', // a field failed validation; details.issues names the fields
  'NOT_FOUND', // an id or file that does not exist
  'NO_PROJECT', // a method that needs an open project was called without one
  'NOT_A_PROJECT', // the folder has no project.sqlite
  'PROJECT_EXISTS', // init on a folder that already is a project
  'DATABASE_TOO_NEW', // written by a newer Apprentice; refused rather than damaged
  'DATABASE_DAMAGED', // project.sqlite is corrupt or empty while the folder holds a project; refused, never written
  'CONFLICT', // a name already taken, a job already running
  'PATH_OUTSIDE_PROJECT', // a path that would escape the allowed folder
  'UNSUPPORTED', // a format or option this build does not handle
  'IO_ERROR', // the disk said no (read-only, full, permissions)
  'CANCELLED', // the user cancelled a job
  'UNAUTHORIZED', // missing or wrong access token (web transport)
  'INTERNAL', // a bug: the message is generic, the stack goes to the log
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromPayload(p: ErrorPayload): AppError {
    return new AppError(p.code, p.message, p.details);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Any thrown value as a payload safe to send: unknown errors never leak their internals. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof AppError) return err.toPayload();
  const code = (err as { code?: unknown } | null)?.code;
  if (isDiskRefusal(code)) {
    return { code: 'IO_ERROR', message: `The disk refused the write (${String(code)}): ${(err as Error).message}` };
  }
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code)) {
    return { code: 'CONFLICT', message: 'The project is busy: another Apprentice window or command is writing to it. Try again in a moment.' };
  }
  return { code: 'INTERNAL', message: 'Something went wrong inside Apprentice; the details are in the log.' };
}

/**
 * Error codes that mean the file system said no, from Node (errno names) or from SQLite through
 * better-sqlite3 (whose err.code is the SQLite result code name, extended ones included, e.g.
 * SQLITE_READONLY_DBMOVED or SQLITE_IOERR_WRITE). ENOTDIR: a folder Apprentice writes into is
 * no longer a folder.
 */
const DISK_ERRNO = new Set(['EACCES', 'EROFS', 'ENOSPC', 'EPERM', 'EDQUOT', 'EIO', 'ENOTDIR', 'EISDIR', 'EFBIG']);
const DISK_SQLITE = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|PERM)(_|$)/;

export function isDiskRefusal(code: unknown): boolean {
  return typeof code === 'string' && (DISK_ERRNO.has(code) || DISK_SQLITE.test(code));
}
