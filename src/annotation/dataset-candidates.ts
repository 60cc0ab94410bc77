import { resolve } from 'node:path';
import sharp from 'sharp';
import type { ImportError } from '../api/types';
import { confineCandidates, type Candidate } from '../media';
import type { ShapeAttributes, ShapeGeometry } from '../store';
import { FORMATS, type DatasetAnnotation, type FormatName } from './formats/index-formats';

/** The upright (EXIF-applied) size of an image file, which dataset geometry is relative to. */
async function uprightSize(path: string): Promise<{ width: number; height: number }> {
  const m = await sharp(path).metadata();
  const rotated = (m.orientation ?? 1) >= 5;
  return { width: (rotated ? m.height : m.width) ?? 0, height: (rotated ? m.width : m.height) ?? 0 };
}

/** A class a dataset declares, used or not, with the id it has there (a COCO category id). */
export interface DeclaredClass {
  name: string;
  sourceId?: number;
}

export interface DatasetRead {
  candidates: Candidate[];
  /** Every class the dataset declares, in its order (YOLO ids, labelmap.txt, CVAT meta, COCO categories). */
  classes: DeclaredClass[];
}

export interface DatasetReadOptions {
  followLinks?: boolean;
  /** The folder the images are in, when the layout cannot be guessed (`--images-root`). */
  imagesRoot?: string;
}

/** The flags and attributes of an annotation, as the store keeps them (author and class aside). */
function attributesOf(a: DatasetAnnotation): ShapeAttributes | undefined {
  const out: ShapeAttributes = {};
  if (a.iscrowd !== undefined) out.iscrowd = a.iscrowd;
  if (a.difficult !== undefined) out.difficult = a.difficult;
  if (a.truncated !== undefined) out.truncated = a.truncated;
  if (a.occluded !== undefined) out.occluded = a.occluded;
  if (a.zOrder !== undefined) out.zOrder = a.zOrder;
  if (a.group !== undefined) out.group = a.group;
  if (a.score !== undefined) out.score = a.score;
  if (a.attributes && Object.keys(a.attributes).length) out.attributes = { ...a.attributes };
  return Object.keys(out).length ? out : undefined;
}

function geometryOf(a: Exclude<DatasetAnnotation, { kind: 'tag' }>): ShapeGeometry {
  if (a.kind === 'box') return { x: a.x, y: a.y, w: a.w, h: a.h };
  if (a.kind === 'mask') return { mask: { counts: [...a.mask.counts], width: a.mask.width, height: a.mask.height } };
  return { points: a.points.map(([x, y]) => [x, y] as [number, number]) };
}

/**
 * Read an annotated dataset (COCO, YOLO, VOC, Label Studio, CVAT) into import candidates: each
 * image with its class tags and its regions of every kind, with flags, attributes and annotator.
 * Problems in the files come back as errors naming the file and the line or JSON path; the valid
 * part is imported.
 */
export async function datasetCandidates(format: FormatName, path: string, classes: string[], errors: ImportError[], opts: DatasetReadOptions = {}): Promise<DatasetRead> {
  const reader = FORMATS[format];
  const { dataset, errors: problems, root, imageRoots } = await reader.read(path, { sizeOf: uprightSize, classes, followLinks: opts.followLinks, imagesRoot: opts.imagesRoot });
  for (const p of problems) errors.push({ path: p.where ? `${p.file}:${p.where}` : p.file, reason: p.reason });
  const nameOf = (a: DatasetAnnotation) => dataset.classes[a.classIndex]!;
  const candidates = dataset.images.map((img) => {
    const tags = img.annotations.filter((a) => a.kind === 'tag');
    const shapes: NonNullable<Candidate['shapes']> = [];
    for (const a of img.annotations) {
      if (a.kind === 'tag') continue;
      const attributes = attributesOf(a);
      shapes.push({ className: nameOf(a), kind: a.kind, geometry: geometryOf(a), ...(attributes ? { attributes } : {}), ...(a.author ? { author: a.author } : {}) });
    }
    const c: Candidate = { path: resolve(root, img.file) };
    if (tags.length) c.className = nameOf(tags[0]!);
    // One plain tag is the image's class; several (multi-label, several annotators) are kept each.
    if (tags.length > 1 || tags.some((t) => t.author || attributesOf(t))) {
      c.tags = tags.map((t) => {
        const attributes = attributesOf(t);
        return { className: nameOf(t), ...(t.author ? { author: t.author } : {}), ...(attributes ? { attributes } : {}) };
      });
    }
    if (img.split) c.split = img.split;
    if (shapes.length) c.shapes = shapes;
    return c;
  });
  const declared = dataset.classes.map((name, i) => (dataset.classIds?.[i] !== undefined ? { name, sourceId: dataset.classIds[i] } : { name }));
  // An image the dataset names outside its own folder (../../etc/passwd, a symlinked folder) is refused.
  const roots = [...(imageRoots ?? [root]), ...(opts.imagesRoot ? [resolve(opts.imagesRoot)] : [])];
  return { candidates: await confineCandidates(candidates, roots, errors, opts.followLinks), classes: declared };
}
