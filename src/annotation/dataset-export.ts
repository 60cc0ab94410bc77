import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ExportResult } from '../api/types';
import type { JobContext } from '../api/job-context';
import { copyFileAtomic } from '../media/files';
import { listClasses, liveShapes } from '../store';
import { FORMATS, type Dataset, type DatasetImage } from './formats/index-formats';
import { labeledImages, type IncludeSource } from './labeled-images';
import { exportCsv } from './formats/csv';
import { exportImageFolder } from './formats/imagefolder';
import type { ExportFormat } from '../api/formats';

/** Which shapes leave the project: human ones when 'human' is included, others by their status. */
function included(source: string, status: string, include: readonly IncludeSource[]): boolean {
  return source === 'human' ? include.includes('human') : (include as readonly string[]).includes(status);
}

/**
 * The project as a neutral dataset (classes in project order, image sizes upright, geometry
 * normalized), written in a detection/segmentation format, with each image copied where the
 * format's labels point. Images are named `<id>/<file name>` inside the dataset so two images
 * with the same name stay apart; the writers choose the exported names.
 */
export async function exportDataset(
  db: Database.Database,
  projectDir: string,
  out: string,
  format: 'coco' | 'yolo' | 'voc',
  include: readonly IncludeSource[],
  ctx: JobContext,
): Promise<ExportResult & { skipped: { file: string; where: string; reason: string }[] }> {
  const classes = listClasses(db);
  const index = new Map(classes.map((c, i) => [c.id, i]));
  const byName = new Map(classes.map((c, i) => [c.name, i]));
  const shapes = liveShapes(db).filter((s) => s.classId !== null && included(s.source, s.status, include));
  const shapesOf = new Map<number, typeof shapes>();
  for (const s of shapes) shapesOf.set(s.imageId, [...(shapesOf.get(s.imageId) ?? []), s]);
  const mediaOf = new Map<string, string>();
  const images: DatasetImage[] = [];
  let annotations = 0;
  for (const img of labeledImages(db, include)) {
    const file = `${img.id}/${img.fileName}`;
    mediaOf.set(file, img.mediaPath);
    const anns: DatasetImage['annotations'] = [];
    if (img.className !== null) anns.push({ kind: 'tag', classIndex: byName.get(img.className)! });
    for (const s of shapesOf.get(img.id) ?? []) {
      const classIndex = index.get(s.classId!)!;
      if (s.kind === 'box' && 'w' in s.geometry) anns.push({ kind: 'box', classIndex, ...s.geometry });
      if (s.kind === 'polygon' && 'points' in s.geometry) anns.push({ kind: 'polygon', classIndex, points: s.geometry.points });
    }
    annotations += anns.filter((a) => a.kind !== 'tag').length;
    images.push({ file, width: img.width, height: img.height, ...(img.split !== 'unlabeled' ? { split: img.split } : {}), annotations: anns });
  }
  const dataset: Dataset = { classes: classes.map((c) => c.name), images };
  const written = await FORMATS[format].write!(dataset, out);
  for (const [i, { file, to }] of written.images.entries()) {
    ctx.signal.throwIfAborted();
    await copyFileAtomic(join(projectDir, mediaOf.get(file)!), join(written.root, to));
    ctx.onProgress({ phase: 'exporting', step: i + 1, total: written.images.length });
  }
  return { out, images: written.images.length, annotations, skipped: written.skipped };
}

type Exporter = (db: Database.Database, projectDir: string, out: string, include: readonly IncludeSource[], ctx: JobContext) => Promise<ExportResult>;

/** The writer of every export format (api/formats.ts names them; a missing one is a type error). */
const EXPORTERS: Record<ExportFormat, Exporter> = {
  imagefolder: exportImageFolder,
  csv: exportCsv,
  coco: (db, dir, out, include, ctx) => exportDataset(db, dir, out, 'coco', include, ctx),
  yolo: (db, dir, out, include, ctx) => exportDataset(db, dir, out, 'yolo', include, ctx),
  voc: (db, dir, out, include, ctx) => exportDataset(db, dir, out, 'voc', include, ctx),
};

/** Write the project's dataset in `format` to `out`, images copied beside the labels. */
export function exportDatasetAs(format: ExportFormat, db: Database.Database, projectDir: string, out: string, include: readonly IncludeSource[], ctx: JobContext): Promise<ExportResult> {
  return EXPORTERS[format](db, projectDir, out, include, ctx);
}
