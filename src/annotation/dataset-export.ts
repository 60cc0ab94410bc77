import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ExportResult } from '../api/types';
import type { JobContext } from '../api/job-context';
import { copyFileAtomic } from '../media/files';
import { classSourceIds, listClasses, liveHumanTags, liveShapes, type ShapeAttributes, type ShapeRow } from '../store';
import { FORMATS, type AnnotationExtras, type Dataset, type DatasetAnnotation, type DatasetImage } from './formats/index-formats';
import { labeledImages, type IncludeSource } from './labeled-images';
import { exportCsv } from './formats/csv';
import { withItem } from './formats/reports';
import { exportImageFolder } from './formats/imagefolder';
import type { ExportFormat } from '../api/formats';

/** The export formats a dataset writer of annotation/formats serves. */
type DatasetExportFormat = 'coco' | 'yolo' | 'yolo-seg' | 'voc';

/** Which shapes leave the project: human ones when 'human' is included, others by their status. */
function included(source: string, status: string, include: readonly IncludeSource[]): boolean {
  return source === 'human' ? include.includes('human') : (include as readonly string[]).includes(status);
}

/** A stored region's flags and attributes back in the neutral model's terms. */
function extrasOf(attributes: ShapeAttributes | null, author: string | null): AnnotationExtras {
  const extras: AnnotationExtras = { ...(attributes ?? {}) };
  if (author && author !== 'import') extras.author = author;
  return extras;
}

function regionOf(s: ShapeRow, classIndex: number): DatasetAnnotation | undefined {
  const extras = extrasOf(s.attributes, s.author);
  const g = s.geometry;
  if (s.kind === 'box' && 'w' in g) return { kind: 'box', classIndex, x: g.x, y: g.y, w: g.w, h: g.h, ...extras };
  if (s.kind === 'mask' && 'mask' in g) return { kind: 'mask', classIndex, mask: g.mask, ...extras };
  if ((s.kind === 'polygon' || s.kind === 'polyline' || s.kind === 'points') && 'points' in g) return { kind: s.kind, classIndex, points: g.points, ...extras };
  return undefined;
}

/**
 * The project as a neutral dataset (classes in project order with their dataset ids, image
 * sizes upright, geometry normalized, every tag, region, flag and attribute), written in a
 * detection/segmentation format, with each image copied where the format's labels point.
 * Images are named `<id>/<file name>` inside the dataset so two images with the same name stay
 * apart; the writers choose the exported names. What the format cannot hold comes back in
 * `skipped`, what it wrote in another form in `converted`.
 */
export async function exportDataset(
  db: Database.Database,
  projectDir: string,
  out: string,
  format: DatasetExportFormat,
  include: readonly IncludeSource[],
  ctx: JobContext,
): Promise<ExportResult> {
  const classes = listClasses(db);
  const index = new Map(classes.map((c, i) => [c.id, i]));
  const byName = new Map(classes.map((c, i) => [c.name, i]));
  const sourceIds = classSourceIds(db);
  const shapes = liveShapes(db).filter((s) => s.classId !== null && included(s.source, s.status, include));
  const shapesOf = new Map<number, typeof shapes>();
  for (const s of shapes) shapesOf.set(s.imageId, [...(shapesOf.get(s.imageId) ?? []), s]);
  // Several human tags on one image (multi-label, several annotators) all leave; otherwise the image's class.
  const tagsOf = new Map<number, DatasetAnnotation[]>();
  if (include.includes('human')) {
    for (const t of liveHumanTags(db)) tagsOf.set(t.imageId, [...(tagsOf.get(t.imageId) ?? []), { kind: 'tag', classIndex: index.get(t.classId)!, ...extrasOf(t.attributes, t.author) }]);
  }
  const mediaOf = new Map<string, string>();
  const images: DatasetImage[] = [];
  let annotations = 0;
  for (const img of labeledImages(db, include)) {
    const file = `${img.id}/${img.fileName}`;
    mediaOf.set(file, img.mediaPath);
    const human = tagsOf.get(img.id) ?? [];
    const anns: DatasetAnnotation[] = human.length > 1 ? [...human] : img.className !== null ? [{ kind: 'tag', classIndex: byName.get(img.className)!, ...(human[0] ?? {}) }] : [];
    for (const s of shapesOf.get(img.id) ?? []) {
      const region = regionOf(s, index.get(s.classId!)!);
      if (region) anns.push(region);
    }
    annotations += anns.filter((a) => a.kind !== 'tag').length;
    images.push({ file, width: img.width, height: img.height, ...(img.split !== 'unlabeled' ? { split: img.split } : {}), annotations: anns });
  }
  const withIds = classes.every((c) => sourceIds.has(c.id)) && new Set(classes.map((c) => sourceIds.get(c.id))).size === classes.length;
  const dataset: Dataset = { classes: classes.map((c) => c.name), ...(withIds ? { classIds: classes.map((c) => sourceIds.get(c.id)!) } : {}), images };
  const written = await FORMATS[format].write!(dataset, out);
  for (const [i, { file, to }] of written.images.entries()) {
    ctx.signal.throwIfAborted();
    await copyFileAtomic(join(projectDir, mediaOf.get(file)!), join(written.root, to));
    ctx.onProgress({ phase: 'exporting', step: i + 1, total: written.images.length });
  }
  return { out, images: written.images.length, annotations, skipped: written.skipped.map(withItem), converted: (written.converted ?? []).map(withItem) };
}

type Exporter = (db: Database.Database, projectDir: string, out: string, include: readonly IncludeSource[], ctx: JobContext) => Promise<ExportResult>;

/** The writer of every export format (api/formats.ts names them; a missing one is a type error). */
const EXPORTERS: Record<ExportFormat, Exporter> = {
  imagefolder: exportImageFolder,
  csv: exportCsv,
  coco: (db, dir, out, include, ctx) => exportDataset(db, dir, out, 'coco', include, ctx),
  yolo: (db, dir, out, include, ctx) => exportDataset(db, dir, out, 'yolo', include, ctx),
  'yolo-seg': (db, dir, out, include, ctx) => exportDataset(db, dir, out, 'yolo-seg', include, ctx),
  voc: (db, dir, out, include, ctx) => exportDataset(db, dir, out, 'voc', include, ctx),
};

/** Write the project's dataset in `format` to `out`, images copied beside the labels. */
export function exportDatasetAs(format: ExportFormat, db: Database.Database, projectDir: string, out: string, include: readonly IncludeSource[], ctx: JobContext): Promise<ExportResult> {
  return EXPORTERS[format](db, projectDir, out, include, ctx);
}
