import { realpathSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError } from '../api/errors';

/** True when `child` is `parent` or lies below it (after resolving . and ..). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}

/** The real path of the deepest part of `p` that exists, so a symlink cannot smuggle a path out. */
function realDeepest(p: string): string {
  let cur = resolve(p);
  const rest: string[] = [];
  while (!existsSync(cur)) {
    const up = dirname(cur);
    if (up === cur) break;
    rest.unshift(cur.slice(up.length + (up.endsWith(sep) ? 0 : 1)));
    cur = up;
  }
  return resolve(realpathSync(cur), ...rest);
}

/**
 * Resolve a path a client gave against a root it must stay in: relative paths are taken from
 * the root; `..`, absolute paths elsewhere and symlinks leading out are refused.
 */
export function resolveInside(root: string, given: string, what: string): string {
  const full = resolve(root, given);
  if (!isInside(root, full) || !isInside(realDeepest(root), realDeepest(full))) {
    throw new AppError('PATH_OUTSIDE_PROJECT', `The ${what} "${given}" is outside the allowed folder ${root}.`);
  }
  return full;
}
