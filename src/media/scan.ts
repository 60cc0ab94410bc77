import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { ImportError, Split } from '../api/types';
import { isInside, outsideDatasetReason, type ShapeAttributes, type ShapeGeometry, type ShapeKind } from '../store';
import { hasImageExtension } from './formats';

/** One file to import, with what its location says about it. */
export interface Candidate {
  path: string;
  /** The class named by the folder layout (ImageFolder) or a CSV row. */
  className?: string;
  /** The split named by the folder layout (train/val/test folders) or a CSV row. */
  split?: Exclude<Split, 'unlabeled'>;
  /** Regions from a dataset (boxes, polygons, polylines, points, masks), normalized to the upright image, with their flags and annotator. */
  shapes?: { className: string; kind: ShapeKind; geometry: ShapeGeometry; attributes?: ShapeAttributes; author?: string }[];
  /**
   * Every image-level class a dataset gives, when more than a plain `className` (a multi-label
   * image, several annotators' choices): each is kept as its own tag, with its annotator.
   */
  tags?: { className: string; author?: string; attributes?: ShapeAttributes }[];
}

export interface ScanResult {
  candidates: Candidate[];
  errors: ImportError[];
}

const SPLIT_FOLDERS: Record<string, Exclude<Split, 'unlabeled'>> = {
  train: 'train', training: 'train', val: 'val', valid: 'val', validation: 'val', test: 'test', testing: 'test',
};

/**
 * Every image file below `root`, depth first in name order (so imports are reproducible).
 * Symlinked folders are followed once: a folder already visited (by real path) is skipped,
 * so a symlink loop ends instead of running forever. Hidden files and folders are skipped.
 */
export async function walkImages(root: string, errors: ImportError[], signal?: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  const visited = new Set<string>();
  async function visit(dir: string): Promise<void> {
    signal?.throwIfAborted();
    let real: string;
    try {
      real = await realpath(dir);
    } catch (err) {
      errors.push({ path: dir, reason: `cannot read folder: ${(err as Error).message}` });
      return;
    }
    if (visited.has(real)) return;
    visited.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      errors.push({ path: dir, reason: `cannot read folder: ${(err as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const s = await stat(full);
          isDir = s.isDirectory();
          isFile = s.isFile();
        } catch {
          errors.push({ path: full, reason: 'broken symbolic link' });
          continue;
        }
      }
      if (isDir) await visit(full);
      else if (isFile && hasImageExtension(e.name)) found.push(full);
    }
  }
  await visit(root);
  return found;
}

/**
 * ImageFolder layout: `root/<class>/<image>` or `root/<split>/<class>/<image>`.
 * The class is the folder right above the image; a split folder above it sets the split.
 */
export function imageFolderCandidate(root: string, file: string): Candidate {
  const parts = relative(root, file).split(sep);
  if (parts.length < 2) return { path: file };
  const className = parts[parts.length - 2]!;
  const split = parts.length >= 3 ? SPLIT_FOLDERS[parts[parts.length - 3]!.toLowerCase()] : undefined;
  return split ? { path: file, className, split } : { path: file, className };
}

/** A folder is in ImageFolder layout when it holds no images itself, only folders that do. */
export async function looksLikeImageFolder(root: string): Promise<boolean> {
  const entries = await readdir(root, { withFileTypes: true });
  const visible = entries.filter((e) => !e.name.startsWith('.'));
  if (visible.some((e) => e.isFile() && hasImageExtension(e.name))) return false;
  return visible.some((e) => e.isDirectory() || e.isSymbolicLink());
}

export async function pathKind(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/**
 * Keep the candidates that lie inside one of `roots` (the folder given, or the dataset file's
 * folder and its images root), both as written and after resolving symbolic links; report each
 * other one in `errors` by path and drop it, unless `followLinks` allows leaving the roots.
 */
export async function confineCandidates(candidates: Candidate[], roots: string[], errors: ImportError[], followLinks = false): Promise<Candidate[]> {
  if (followLinks) return candidates;
  const real = async (p: string) => realpath(p).catch(() => resolve(p));
  const allowed = await Promise.all(roots.map(async (r) => ({ root: resolve(r), real: await real(r) })));
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const path = resolve(c.path);
    const target = await real(path);
    if (allowed.some((a) => isInside(a.root, path) && isInside(a.real, target))) kept.push(c);
    else errors.push({ path: c.path, reason: outsideDatasetReason(roots[0]!) });
  }
  return kept;
}
