import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ImportError, ImportResult, Split } from '../api/types';
import type { JobContext } from '../api/job-context';
import { addHumanTags, addShapes, ensureClasses, findImageIdBySha, getImageRow, insertImage, listAnnotations, listClasses, setHumanClass, setSplit, splitForHash, withWriteLock, type ProjectPaths } from '../store';
import {
  confineCandidates,
  contentPath,
  hasImageExtension,
  imageFolderCandidate,
  ingestImage,
  looksLikeImageFolder,
  NotAnImageError,
  pathKind,
  readLabelsCsv,
  sha256Hex,
  walkImages,
  writeFileAtomic,
  type Candidate,
  type IngestedImage,
} from '../media';
import type { ImportFormat } from '../api/formats';
import { datasetCandidates, type DeclaredClass } from './dataset-candidates';
import { csvRecords } from '../media/csv-records';

export interface ImportInput {
  paths: string[];
  format: ImportFormat;
  split: Split | 'auto';
  /** Import images that lie outside the folder or dataset given (symbolic links, `..` paths); off by default. */
  followLinks?: boolean;
  /** A dataset's image folder, when its layout cannot be guessed (`--images-root`). */
  imagesRoot?: string;
}

/** Files decoded at once: sharp decodes on libuv's threads, so a few in flight keep both cores busy. */
const CONCURRENCY = 4;
/** Images written per transaction: big enough to be fast, small enough that a cancel or crash loses little. */
const BATCH = 200;

/** What a reader of one given path (an existing file or folder) is told. */
interface ReadRequest {
  path: string;
  kind: 'file' | 'dir';
  input: ImportInput;
  errors: ImportError[];
  signal?: AbortSignal;
  classes: string[];
  /** Where a dataset reader puts the classes its files declare (used or not), in their order. */
  declared: DeclaredClass[];
}
type Reader = (r: ReadRequest) => Promise<Candidate[]>;

/**
 * A labels CSV (path,label[,split]), or a box CSV (path,label,x,y,w,h[,split], pixels) when its
 * rows carry box columns; paths are relative to the CSV's folder.
 */
const readCsv: Reader = async (r) => {
  const { path, kind, input, errors } = r;
  if (kind !== 'file') {
    errors.push({ path, reason: 'a CSV import needs a .csv file, not a folder' });
    return [];
  }
  if (await hasBoxColumns(path)) return readDataset('csv')(r);
  return confineCandidates(await readLabelsCsv(path, errors), [dirname(path)], errors, input.followLinks);
};

/** Whether a CSV's first row (header or data) has the box columns x,y,w,h after path and label. */
async function hasBoxColumns(path: string): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => '');
  // The first record is enough (its end may be cut off with the rest; only its cells count).
  return (csvRecords(text.slice(0, 64 * 1024)).records[0]?.cells.length ?? 0) >= 6;
}

/** An image file, or a folder of images (with its class folders when read as an ImageFolder). */
const readImages: Reader = async ({ path, kind, input, errors, signal }) => {
  if (kind === 'file') {
    if (hasImageExtension(path) || input.format !== 'auto') return [{ path }];
    errors.push({ path, reason: 'not an image file (unsupported extension)' });
    return [];
  }
  const files = await walkImages(path, errors, signal);
  const asImageFolder = input.format === 'imagefolder' || (input.format === 'auto' && (await looksLikeImageFolder(path)));
  const found = files.map((f) => (asImageFolder ? imageFolderCandidate(path, f) : { path: f }));
  return confineCandidates(found, [path], errors, input.followLinks);
};

const readDataset =
  (format: Parameters<typeof datasetCandidates>[0]): Reader =>
  async ({ path, errors, classes, input, declared }) => {
    const read = await datasetCandidates(format, path, classes, errors, { followLinks: input.followLinks, imagesRoot: input.imagesRoot });
    declared.push(...read.classes);
    return read.candidates;
  };

/** The reader of every import format (api/formats.ts names them; a missing one is a type error). */
const READERS: Record<ImportFormat, Reader> = {
  auto: (r) => (r.kind === 'file' && extname(r.path).toLowerCase() === '.csv' ? readCsv(r) : readImages(r)),
  folder: readImages,
  imagefolder: readImages,
  csv: readCsv,
  coco: readDataset('coco'),
  yolo: readDataset('yolo'),
  voc: readDataset('voc'),
  labelstudio: readDataset('labelstudio'),
  cvat: readDataset('cvat'),
};

/**
 * Turn the user's paths into the list of files to import, with labels from the layout. `declared`
 * receives the classes the datasets declare, in their order (created even when unused).
 */
export async function collectCandidates(input: ImportInput, errors: ImportError[], signal?: AbortSignal, classes: string[] = [], declared: DeclaredClass[] = []): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const given of input.paths) {
    const path = resolve(given);
    const kind = await pathKind(path);
    if (kind === 'missing') {
      errors.push({ path, reason: 'no such file or folder' });
      continue;
    }
    out.push(...(await READERS[input.format]({ path, kind, input, errors, signal, classes, declared })));
  }
  return out;
}

function chooseSplit(requested: ImportInput['split'], c: Candidate, sha256: string): Split {
  if (requested !== 'auto') return requested;
  if (!c.className && !c.shapes?.length) return 'unlabeled';
  return c.split ?? splitForHash(sha256);
}

/** A decoded new image, or one whose bytes are already in the project (`known`: its sha256) that brings labels. */
type Decoded = { candidate: Candidate; image: IngestedImage } | { candidate: Candidate; known: string };

type Shape = NonNullable<Candidate['shapes']>[number];

/** The same geometry, up to rounding (a re-import of the same dataset gives the same numbers). */
function sameGeometry(a: unknown, b: Shape['geometry']): boolean {
  const close = (x: unknown, y: number) => typeof x === 'number' && Math.abs(x - y) <= 1e-6;
  if ('mask' in b) {
    const m = (a as { mask?: { counts?: unknown; width?: unknown; height?: unknown } } | null)?.mask;
    const counts = Array.isArray(m?.counts) ? (m.counts as unknown[]) : [];
    return m?.width === b.mask.width && m.height === b.mask.height && counts.length === b.mask.counts.length && b.mask.counts.every((c, i) => counts[i] === c);
  }
  if ('points' in b) {
    const pa = (a as { points?: unknown } | null)?.points;
    return Array.isArray(pa) && pa.length === b.points.length && b.points.every(([x, y], i) => Array.isArray(pa[i]) && close(pa[i][0], x) && close(pa[i][1], y));
  }
  const g = a as Record<string, unknown> | null;
  return !!g && close(g.x, b.x) && close(g.y, b.y) && close(g.w, b.w) && close(g.h, b.h);
}

function hasLabels(c: Candidate): boolean {
  return !!c.className || !!c.tags?.length || !!c.shapes?.length;
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
  const declared: DeclaredClass[] = [];
  const candidates = await collectCandidates(input, errors, ctx.signal, listClasses(db).map((c) => c.name), declared);
  const total = candidates.length;
  // Classes a dataset declares come first, in its order and with its ids (YOLO ids, labelmap.txt,
  // COCO categories), used or not; classes named only by a folder layout or CSV follow in sorted
  // order (the ImageFolder convention), so class order never depends on which file decoded first.
  const used = candidates.flatMap((c) => [...(c.className ? [c.className] : []), ...(c.tags ?? []).map((t) => t.className), ...(c.shapes ?? []).map((s) => s.className)]);
  const classNames = [...new Set([...declared.map((d) => d.name), ...[...new Set(used)].sort()])];
  const sourceIds = new Map(declared.flatMap((d) => (d.sourceId !== undefined ? [[d.name, d.sourceId] as const] : [])));
  // Every write of the import waits for the write lock on a timer (another process may be
  // writing), so an import inside `serve` never freezes its other requests.
  const classIds = await withWriteLock(db, () => ensureClasses(db, classNames, sourceIds));
  const tagsOf = (c: Candidate) => (c.tags ?? []).map((t) => ({ classId: classIds.get(t.className)!, author: t.author ?? 'import', ...(t.attributes ? { attributes: t.attributes } : {}) }));
  const shapesOf = (shapes: NonNullable<Candidate['shapes']>) =>
    shapes.map((s) => ({ classId: classIds.get(s.className)!, kind: s.kind, geometry: s.geometry, ...(s.attributes ? { attributes: s.attributes } : {}), ...(s.author ? { author: s.author } : {}) }));
  let done = 0;
  let imported = 0;
  let duplicates = 0;
  let attached = 0;
  const seen = new Set<string>();
  let pending: Decoded[] = [];

  /**
   * A dataset's labels for an image already in the project (same bytes): its class tag when the
   * image has none, and each box or polygon it does not already have (so importing the same
   * dataset twice adds nothing), with history, author 'import'. A different class tag is kept
   * and reported. Runs inside flush's transaction.
   */
  const attach = (imageId: number, candidate: Candidate) => {
    const human = listAnnotations(db, imageId).filter((a) => a.source === 'human');
    let added = 0;
    if (candidate.tags) added += addHumanTags(db, imageId, tagsOf(candidate));
    else if (candidate.className) {
      const want = classIds.get(candidate.className)!;
      const tag = human.find((a) => a.kind === 'tag');
      if (!tag) added += setHumanClass(db, [imageId], want, 'import');
      else if (tag.classId !== want) {
        const has = listClasses(db).find((c) => c.id === tag.classId)?.name ?? `class ${tag.classId}`;
        errors.push({ path: candidate.path, reason: `the image is already in the project labeled "${has}"; the dataset says "${candidate.className}": its label was kept` });
      }
    }
    const fresh = (candidate.shapes ?? []).filter((s) => !human.some((a) => a.kind === s.kind && a.classId === classIds.get(s.className) && sameGeometry(a.geometry, s.geometry)));
    if (fresh.length) {
      added += addShapes(db, imageId, shapesOf(fresh), 'import');
      // Boxes make an unlabeled image training data, as a class tag does (setHumanClass moves it too).
      const row = getImageRow(db, imageId);
      if (input.split === 'auto' && row.split === 'unlabeled') setSplit(db, [imageId], candidate.split ?? splitForHash(row.sha256));
    }
    attached += added;
  };

  // Batches are written one after another, in list order, each in one transaction.
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (!pending.length) return writing;
    const batch = pending;
    pending = [];
    writing = writing.then(() => withWriteLock(db, () => storeBatch(batch))).then(() => ctx.onStored?.()); // the gallery can show this batch while the rest imports
    return writing;
  };
  const storeBatch = (batch: Decoded[]) => {
    db.transaction(() => {
      for (const decoded of batch) {
        const { candidate } = decoded;
        const existing = findImageIdBySha(db, 'known' in decoded ? decoded.known : decoded.image.sha256);
        if (existing !== undefined || 'known' in decoded) {
          duplicates++;
          if (existing !== undefined) attach(existing, candidate);
          else errors.push({ path: candidate.path, reason: 'same bytes as another file of this import that could not be stored; its labels were not attached' });
          continue;
        }
        const { image } = decoded;
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
        if (candidate.tags) addHumanTags(db, id, tagsOf(candidate));
        else if (candidate.className) setHumanClass(db, [id], classIds.get(candidate.className)!, 'import');
        if (candidate.shapes) addShapes(db, id, shapesOf(candidate.shapes), 'import');
        imported++;
      }
    })();
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
      // Already in the project (or earlier in this import): its labels are attached when stored.
      if (hasLabels(candidate)) return { candidate, known: sha };
      duplicates++;
      return null;
    }
    let image: IngestedImage;
    try {
      image = await ingestImage(data, sha || undefined);
    } catch (err) {
      if (err instanceof NotAnImageError) errors.push({ path: candidate.path, reason: err.message });
      else errors.push({ path: candidate.path, reason: `cannot import: ${(err as Error).message}` });
      return null;
    }
    if (seen.has(image.sha256)) {
      if (hasLabels(candidate)) return { candidate, known: image.sha256 };
      duplicates++;
      return null;
    }
    seen.add(image.sha256);
    const ext = extname(candidate.path).toLowerCase();
    // The copy and the derived files are written at once (each is its own file); all have
    // settled before a failure is reported, so nothing is still writing after the import ends.
    const written = await Promise.allSettled([
      writeFileAtomic(contentPath(paths.media, image.sha256, ext), data),
      writeFileAtomic(contentPath(paths.thumbs, image.sha256, '.webp'), image.thumbnail),
      ...(image.display ? [writeFileAtomic(contentPath(paths.display, image.sha256, '.webp'), image.display)] : []),
    ]);
    const refused = written.find((w) => w.status === 'rejected');
    if (refused) throw refused.reason;
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
    return pending.length >= BATCH ? flush() : Promise.resolve();
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
        await storeInOrder();
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
    await flush();
  } catch (err) {
    failure ??= { error: err };
  }
  if (failure) throw (failure as { error: unknown }).error;
  return { imported, duplicates, errors, attached, skipped: errors.map((e) => ({ item: e.path, reason: e.reason })) };
}
