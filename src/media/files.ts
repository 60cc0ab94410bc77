import { copyFile, mkdir, rename, writeFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

/**
 * Write a file so that a reader sees either the old content or the whole new content, never a
 * part: write a temp file beside it, then rename over (atomic on one filesystem).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Content-addressed location: `<root>/ab/abcdef...<ext>`, so one folder never grows huge. */
export function contentPath(root: string, sha256: string, ext: string): string {
  return join(root, sha256.slice(0, 2), `${sha256}${ext}`);
}

/** Copy a file with the same all-or-nothing guarantee as writeFileAtomic. */
export async function copyFileAtomic(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const tmp = `${to}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await copyFile(from, tmp);
    await rename(tmp, to);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
