import { readFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ImportError, ImportResult, Split } from '../api/types';
import type { JobContext } from '../jobs/types';
import { addShapes, ensureClasses, findImageIdBySha, insertImage, listClasses, setHumanClass, splitForHash, type ProjectPaths } from '../store';
import { DATASET_FORMATS, datasetCandidates, type DatasetFormatName } from './dataset-candidates';
import { contentPath, writeFileAtomic } from './files';
import { ingestImage, NotAnImageError, sha256Hex, type IngestedImage } from './ingest';
import { readLabelsCsv } from './csv';
import { imageFolderCandidate, looksLikeImageFolder, pathKind, walkImages, type Candidate } from './scan';
import { hasImageExtension } from './formats';

export interface ImportInput {
  paths: string[];
  format: 'auto' | 'folder' | 'imagefolder' | 'csv' | DatasetFormatName;
  split: Split | 'auto';
}

/** Files decoded at once: sharp decodes on libuv's threads, so a few in flight keep both cores busy. */
const CONCURRENCY = 4;
/** Images written per transaction: big enough to be fast, small enough that a cancel or crash loses little. */
const BATCH = 200;

/** Turn the user's paths into the list of files to import, with labels from the layout. */
export async function collectCandidates(input: ImportInput, errors: ImportError[], signal?: AbortSignal, classes: string[] = []): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const given of input.paths) {
    const path = resolve(given);
    const kind = await pathKind(path);
    if (kind === 'missing') {
      errors.push({ path, reason: 'no such file or folder' });
      continue;
    }
    if ((DATASET_FORMATS as readonly string[]).includes(input.format)) {
      out.push(...(await datasetCandidates(input.format as DatasetFormatName, path, classes, errors)));
      continue;
    }
    if (input.format === 'csv' || (input.format === 'auto' && kind === 'file' && extname(path).toLowerCase() === '.csv')) {
      if (kind !== 'file') errors.push({ path, reason: 'a CSV import needs a .csv file, not a folder' });
      else out.push(...(await readLabelsCsv(path, errors)));
      continue;
    }
    if (kind === 'file') {
      if (hasImageExtension(path) || input.format !== 'auto') out.push({ path });
      else errors.push({ path, reason: 'not an image file (unsupported extension)' });
      continue;
    }
    const files = await walkImages(path, errors, signal);
    const asImageFolder = input.format === 'imagefolder' || (input.format === 'auto' && (await looksLikeImageFolder(path)));
    for (const f of files) out.push(asImageFolder ? imageFolderCandidate(path, f) : { path: f });
  }
  return out;
}

function chooseSplit(requested: ImportInput['split'], c: Candidate, sha256: string): Split {
  if (requested !== 'auto') return requested;
  if (!c.className && !c.shapes?.length) return 'unlabeled';
  return c.split ?? splitForHash(sha256);
}

interface Decoded {
  candidate: Candidate;
  image: IngestedImage;
}

/**
 * Import images into a project: decode each with sharp (EXIF orientation applied), store a
 * content-addressed copy, a thumbnail and a display copy where needed, and record it with its
 * class. Duplicates (same bytes) are counted and skipped; unreadable files are reported by
 * path and skipped. Runs until done or cancelled; everything written before a cancel stays.
 */
export async function importImages(
  db: Database.Database,
  paths: ProjectPaths,
  input: ImportInput,
  ctx: JobContext & { onStored?: () => void },
): Promise<ImportResult> {
  const errors: ImportError[] = [];
  ctx.onProgress({ phase: 'scanning', step: 0, total: 0 });
  const candidates = await collectCandidates(input, errors, ctx.signal, listClasses(db).map((c) => c.name));
  const total = candidates.length;
  // Classes named by the layout or CSV are created up front in sorted order (the ImageFolder
  // convention), so class order does not depend on which file happened to decode first.
  const classNames = [...new Set(candidates.flatMap((c) => [...(c.className ? [c.className] : []), ...(c.shapes ?? []).map((s) => s.className)]))].sort();
  const classIds = db.transaction(() => ensureClasses(db, classNames)).immediate();
  let done = 0;
  let imported = 0;
  let duplicates = 0;
  const seen = new Set<string>();
  let pending: Decoded[] = [];

  const flush = () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    db.transaction(() => {
      for (const { candidate, image } of batch) {
        if (findImageIdBySha(db, image.sha256) !== undefined) {
          duplicates++;
          continue;
        }
        const ext = extname(candidate.path).toLowerCase();
        const id = insertImage(db, {
          sha256: image.sha256,
          originalPath: candidate.path,
          fileName: basename(candidate.path),
          mediaPath: contentPath('media', image.sha256, ext),
          width: image.width,
          height: image.height,
          format: image.format,
          bytes: image.bytes,
          split: chooseSplit(input.split, candidate, image.sha256),
        });
        if (candidate.className) setHumanClass(db, [id], classIds.get(candidate.className)!, 'import');
        if (candidate.shapes) addShapes(db, id, candidate.shapes.map((s) => ({ classId: classIds.get(s.className)!, kind: s.kind, geometry: s.geometry })), 'import');
        imported++;
      }
    }).immediate();
    ctx.onStored?.(); // the gallery can show this batch while the rest imports
  };

  const processOne = async (candidate: Candidate): Promise<Decoded | null> => {
    let data: Buffer;
    try {
      data = await readFile(candidate.path);
    } catch (err) {
      errors.push({ path: candidate.path, reason: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
      return null;
    }
    const sha = data.length ? sha256Hex(data) : '';
    if (sha && (seen.has(sha) || findImageIdBySha(db, sha) !== undefined)) {
      duplicates++;
      return null;
    }
    let image: IngestedImage;
    try {
      image = await ingestImage(data);
    } catch (err) {
      if (err instanceof NotAnImageError) errors.push({ path: candidate.path, reason: err.message });
      else errors.push({ path: candidate.path, reason: `cannot import: ${(err as Error).message}` });
      return null;
    }
    if (seen.has(image.sha256)) {
      duplicates++;
      return null;
    }
    seen.add(image.sha256);
    const ext = extname(candidate.path).toLowerCase();
    await writeFileAtomic(contentPath(paths.media, image.sha256, ext), data);
    await writeFileAtomic(contentPath(paths.thumbs, image.sha256, '.webp'), image.thumbnail);
    if (image.display) await writeFileAtomic(contentPath(paths.display, image.sha256, '.webp'), image.display);
    return { candidate, image };
  };

  // Files decode out of order (several at once); they are stored in the order they were listed,
  // so a folder imports in name order and re-imports are reproducible.
  const results: (Decoded | null | undefined)[] = new Array(candidates.length);
  let stored = 0;
  const storeInOrder = () => {
    while (stored < candidates.length && results[stored] !== undefined) {
      const r = results[stored];
      results[stored++] = null; // release the decoded buffers
      if (r) pending.push(r);
    }
    if (pending.length >= BATCH) flush();
  };
  // The decoders form one pool: when one of them fails (a full disk), the others stop taking
  // files and the pool waits for the ones in flight, so nothing is written after the import has
  // ended. The first failure is the import's.
  let next = 0;
  let failure: { error: unknown } | null = null;
  const stopped = () => failure !== null || ctx.signal.aborted;
  const worker = async () => {
    while (next < candidates.length && !stopped()) {
      const index = next++;
      try {
        results[index] = await processOne(candidates[index]!);
        storeInOrder();
      } catch (error) {
        failure ??= { error };
        return;
      }
      done++;
      ctx.onProgress({ phase: 'importing', step: done, total, metrics: { imported: imported + pending.length, errors: errors.length } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, Math.max(1, candidates.length)) }, worker)); // workers never reject
  // Keep what was decoded before a cancel or a disk error, still in list order.
  for (let i = stored; i < candidates.length; i++) if (results[i]) pending.push(results[i]!);
  try {
    flush();
  } catch (err) {
    failure ??= { error: err };
  }
  if (failure) throw (failure as { error: unknown }).error;
  return { imported, duplicates, errors };
}
