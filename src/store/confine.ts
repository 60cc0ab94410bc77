/**
 * The one place where a name or path from outside becomes a path on disk. Every id joined into
 * a path (run ids, model ids, zoo names, backup names) goes through `pathInside`; every path a
 * client gives against an allowed folder (a web workspace, a dataset root) through
 * `resolveInside` / `isInsideReal`. Lexical `..` and symlinks leading out are both refused.
 */
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../api/errors';
import { PLAIN_NAME } from '../api/schemas';

/** True when `child` is `parent` or lies below it (after resolving . and ..; symlinks not followed). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}

/** The real path of the deepest part of `p` that exists, so a symlink cannot smuggle a path out. */
export function realDeepest(p: string): string {
  let cur = resolve(p);
  const rest: string[] = [];
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) break;
    rest.unshift(cur.slice(up.length + (up.endsWith(sep) ? 0 : 1)));
    cur = up;
  }
  try {
    return resolve(realpathSync(cur), ...rest);
  } catch {
    return resolve(p);
  }
}

/** True when `path` lies inside `root` both as written and after resolving symlinks. */
export function isInsideReal(root: string, path: string): boolean {
  return isInside(root, path) && isInside(realDeepest(root), realDeepest(path));
}

/**
 * Resolve a path a client gave against a root it must stay in: relative paths are taken from
 * the root; `..`, absolute paths elsewhere and symlinks leading out are refused.
 */
export function resolveInside(root: string, given: string, what: string): string {
  const full = resolve(root, given);
  if (!isInsideReal(root, full)) {
    throw new AppError('PATH_OUTSIDE_PROJECT', `The ${what} "${given}" is outside the allowed folder ${root}.`);
  }
  return full;
}

/** True when `name` can be one path segment: a plain name, never ".", "..", hidden, or with a separator. */
export function isPlainName(name: string): boolean {
  return name.length <= 200 && PLAIN_NAME.test(name);
}

/**
 * `<root>/<folders...>/<name>` for an id or name that came from outside (a run id to resume, a
 * model id, a zoo name, a backup name): the name must be a plain name (INVALID_INPUT otherwise)
 * and the result must stay inside `root` after symlinks (PATH_OUTSIDE_PROJECT otherwise).
 */
export function pathInside(root: string, folders: readonly string[], name: string, what: string): string {
  if (!isPlainName(name)) {
    throw new AppError('INVALID_INPUT', `The ${what} "${name}" is not a plain name (letters, digits, ".", "_" and "-"; no slashes or "..").`, {
      issues: [{ path: [what], message: 'not a plain name' }],
    });
  }
  const full = join(resolve(root), ...folders, name);
  if (!isInsideReal(root, full)) throw new AppError('PATH_OUTSIDE_PROJECT', `The ${what} "${name}" leads outside ${root}.`);
  return full;
}

/** Why an image of a dataset was not imported: it lies outside the dataset's folder. */
export function outsideDatasetReason(root: string): string {
  return `it lies outside the dataset folder ${root} (after following symbolic links), so it was not imported; import with --follow-links (or tick "Follow links") to allow it`;
}
