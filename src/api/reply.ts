import type { Reply } from './contract';
import { AppError, isErrorCode } from './errors';

/** Turns a wire reply into a value, or throws the AppError it carries. */
export function unwrapReply<T>(reply: unknown): T {
  const r = reply as Reply<T> | null;
  if (r && typeof r === 'object' && r.ok === true) return r.value;
  if (r && typeof r === 'object' && r.ok === false && r.error && isErrorCode(r.error.code)) {
    throw AppError.fromPayload(r.error);
  }
  throw new AppError('INTERNAL', 'Apprentice sent a reply the studio could not read.');
}
