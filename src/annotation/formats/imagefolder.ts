import { join, sep } from 'node:path';
import type Database from 'better-sqlite3';
import type { ExportResult } from '../../api/types';
import type { JobContext } from '../../api/job-context';
import { copyFileAtomic } from '../../media/files';
import { labeledImages, type IncludeSource } from '../labeled-images';
import { UniqueNames } from './unique-names';
import { classOnlyNotes } from './class-only-notes';
import { withItem } from './reports';

/**
 * ImageFolder out: `<out>/<split>/<class>/<file>` for every labeled image (unlabeled images
 * have no class folder and are left out). Reading it back with `import --format imagefolder`
 * restores classes and splits.
 */
export async function exportImageFolder(
  db: Database.Database,
  projectDir: string,
  out: string,
  include: readonly IncludeSource[],
  ctx: JobContext,
): Promise<ExportResult> {
  const rows = [...labeledImages(db, include)].filter((r) => r.className !== null);
  const names = new UniqueNames();
  const exported = new Map<number, string>();
  let written = 0;
  for (const r of rows) {
    ctx.signal.throwIfAborted();
    const split = r.split === 'unlabeled' ? 'train' : r.split;
    const folder = join(split, r.className!);
    const to = join(folder, names.claim(folder, r.fileName, r.sha256));
    exported.set(r.id, to.split(sep).join('/'));
    await copyFileAtomic(join(projectDir, r.mediaPath), join(out, to));
    written++;
    ctx.onProgress({ phase: 'exporting', step: written, total: rows.length });
  }
  const skipped = classOnlyNotes(db, include, 'ImageFolder', (id) => exported.get(id) ?? `image ${id} (not exported: no class)`);
  return { out, images: written, annotations: written, skipped: skipped.map(withItem), converted: [] };
}
