import { AppError } from './errors';
import { methods, isMethod, type Method, type MethodParsed } from './methods';

/** Parse one method's input with its schema; a failure names every bad field. */
export function validateInput<M extends Method>(method: M, input: unknown): MethodParsed<M> {
  if (!isMethod(method)) throw new AppError('INVALID_INPUT', `Unknown method "${String(method)}".`);
  const parsed = methods[method].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(input)', message: i.message }));
    const first = issues[0]!;
    throw new AppError('INVALID_INPUT', `Invalid ${method} input: ${first.path}: ${first.message}`, { issues });
  }
  return parsed.data as MethodParsed<M>;
}
