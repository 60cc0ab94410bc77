/**
 * The thin file-system layer under the format readers and writers: walk a folder, read text
 * without throwing, resolve image sizes through the caller's callback, write a writer's
 * output atomically. The parsers themselves never touch the disk.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../../media/files';
import { isInsideReal, outsideDatasetReason } from '../../store';
import type { Size } from './dataset';
import { DatasetFormatError, type FormatProblem, type WrittenDataset } from './reports';
import type { SizeLookup, SizeOf } from './sizes';

const MAX_DEPTH = 32;

/** Every file below `root` as a POSIX path relative to it, sorted; hidden entries skipped. */
export async function walkFiles(root: string, errors?: FormatProblem[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  async function visit(dir: string, rel: string, depth: number): Promise<void> {
    if (depth > MAX_DEPTH) return;
    let real: string;
    try {
      real = await realpath(dir);
    } catch (err) {
      errors?.push({ file: dir, where: '', reason: `cannot read the folder: ${(err as Error).message}` });
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      errors?.push({ file: dir, where: '', reason: `cannot read the folder: ${(err as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const st = await stat(full).catch(() => undefined);
        isDir = !!st?.isDirectory();
        isFile = !!st?.isFile();
      }
      if (isDir) await visit(full, r, depth + 1);
      else if (isFile) out.push(r);
    }
  }
  await visit(root, '', 0);
  return out;
}

export async function readText(file: string): Promise<{ text: string } | { error: string }> {
  try {
    return { text: (await readFile(file, 'utf8')).replace(/^\uFEFF/, '') };
  } catch (err) {
    return { error: `cannot read the file: ${(err as Error).message}` };
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Run a pure parser that may ask for image sizes: a first pass records which files it wants,
 * the caller's `sizeOf` measures them (absolute paths under `root`), a second pass uses them.
 * A file outside `root` (by `..`, an absolute path or a symbolic link) is never opened unless
 * `followLinks` is set: its lookup is an error saying so, and the parser reports that image.
 */
export async function parseWithSizes<T>(
  parse: (sizes: SizeLookup) => T,
  root: string,
  sizeOf: SizeOf | undefined,
  followLinks = false,
): Promise<T> {
  if (!sizeOf) return parse(() => undefined);
  const wanted = new Set<string>();
  const first = parse((f) => {
    wanted.add(f);
    return undefined;
  });
  if (wanted.size === 0) return first;
  const known = new Map<string, Size | { error: string }>();
  for (const f of wanted) {
    if (!followLinks && !isInsideReal(root, resolve(root, f))) {
      known.set(f, { error: outsideDatasetReason(root) });
      continue;
    }
    try {
      const s = await sizeOf(resolve(root, f));
      known.set(f, { width: s.width, height: s.height });
    } catch (err) {
      known.set(f, { error: (err as Error).message });
    }
  }
  return parse((f) => known.get(f));
}

/** Write a writer's text files under `root`, each atomically. Returns the absolute paths. */
export async function writeOutput(root: string, out: WrittenDataset): Promise<string[]> {
  const written: string[] = [];
  for (const f of out.files) {
    const full = resolve(root, f.path);
    if (full !== resolve(root) && !full.startsWith(resolve(root) + sep)) {
      throw new DatasetFormatError(f.path, '', 'refusing to write outside the output folder');
    }
    await writeFileAtomic(full, f.content);
    written.push(full);
  }
  return written;
}

export function toPosix(p: string): string {
  return p.split(sep).join('/');
}
