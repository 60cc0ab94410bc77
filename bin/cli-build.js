// Whether the `apprentice` command can run its built JavaScript (out/main/cli.js, an entry of the
// electron-vite main build) or must run src/ through tsx: the build is used only while it is not
// older than any source it was made from, so an edit to src/ is never run stale.
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** The built CLI, relative to the package root. */
export const BUILT_CLI = 'out/main/cli.js';
/** What the build is made of: the core's .ts files (tests aside, they are not in it) and the build config. */
const SOURCE_DIR = 'src';
const CONFIG = 'electron.vite.config.ts';

/** Modification time in ms, or null when the file is gone. */
function mtimeMs(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? null;
}

/**
 * The first source file under `dir` modified after `since` (ms), or null. Runs at every start of
 * the command (~400 files, 2 ms), hence plain string paths and a stop at the first newer file.
 */
function newerSource(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      const found = newerSource(path, since);
      if (found) return found;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && (mtimeMs(path) ?? 0) > since) {
      return path;
    }
  }
  return null;
}

/**
 * Which code to run from the package at `packageRoot`: `{ built: <path> }` when out/main/cli.js
 * exists and no source is newer, else `{ built: null, reason }` (the command then runs src/ with tsx).
 */
export function cliBuild(packageRoot) {
  const root = resolve(packageRoot);
  const built = `${root}/${BUILT_CLI}`;
  const builtAt = mtimeMs(built);
  if (builtAt === null) return { built: null, reason: `${BUILT_CLI} is missing` };
  const config = `${root}/${CONFIG}`;
  const newer = newerSource(`${root}/${SOURCE_DIR}`, builtAt) ?? ((mtimeMs(config) ?? 0) > builtAt ? config : null);
  if (newer) return { built: null, reason: `${newer.slice(root.length + 1)} is newer than ${BUILT_CLI}` };
  return { built, reason: null };
}
