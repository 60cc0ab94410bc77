import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ExportResult } from '../../api/types';
import type { JobContext } from '../../api/job-context';
import { copyFileAtomic, writeFileAtomic } from '../../media/files';
import { csvField } from '../../media/csv';
import { labeledImages, type IncludeSource } from '../labeled-images';
import { UniqueNames } from './unique-names';
import { classOnlyNotes } from './class-only-notes';
import { withItem } from './reports';

/**
 * CSV out: `<out>` holds `path,label,split` rows (label empty when unlabeled) and the images
 * are copied to an `images/` folder beside it, so the pair is self-contained and
 * `import --format csv` reads it back as it was.
 */
export async function exportCsv(
  db: Database.Database,
  projectDir: string,
  out: string,
  include: readonly IncludeSource[],
  ctx: JobContext,
): Promise<ExportResult> {
  const rows = [...labeledImages(db, include)];
  const imagesDir = join(dirname(out), 'images');
  const names = new UniqueNames();
  const lines = ['path,label,split'];
  const exported = new Map<number, string>();
  let annotations = 0;
  for (const [i, r] of rows.entries()) {
    ctx.signal.throwIfAborted();
    const name = names.claim('images', r.fileName, r.sha256);
    exported.set(r.id, `images/${name}`);
    await copyFileAtomic(join(projectDir, r.mediaPath), join(imagesDir, name));
    const split = r.split === 'unlabeled' ? '' : r.split;
    lines.push([`images/${name}`, r.className ?? '', split].map(csvField).join(','));
    if (r.className) annotations++;
    ctx.onProgress({ phase: 'exporting', step: i + 1, total: rows.length });
  }
  await writeFileAtomic(out, lines.join('\n') + '\n');
  const skipped = classOnlyNotes(db, include, 'The labels CSV', (id) => exported.get(id) ?? `image ${id}`);
  return { out: join(dirname(out), basename(out)), images: rows.length, annotations, skipped: skipped.map(withItem), converted: [] };
}
