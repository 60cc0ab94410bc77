// Data folders that benches write once under bench/.data and reuse: written under a temporary name
// and renamed into place only when complete, so a run interrupted half-way (Ctrl+C, kill, a full
// disk) leaves no folder that a later run would take for a whole one.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const PARTIAL = '.partial-';

/**
 * `dir`, written by `fill` into a fresh temporary sibling first when it does not exist yet.
 * Leftover temporary siblings of earlier interrupted runs are removed.
 */
export async function cachedDir(dir: string, fill: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(dir)) return dir;
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const prefix = `${basename(dir)}${PARTIAL}`;
  for (const stale of readdirSync(parent)) {
    if (stale.startsWith(prefix)) rmSync(join(parent, stale), { recursive: true, force: true });
  }
  const tmp = join(parent, `${prefix}${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return dir;
}
