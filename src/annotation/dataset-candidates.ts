import { resolve } from 'node:path';
import sharp from 'sharp';
import type { ImportError } from '../api/types';
import { confineCandidates, type Candidate } from '../media';
import { FORMATS, type FormatName } from './formats/index-formats';

/** The upright (EXIF-applied) size of an image file, which dataset geometry is relative to. */
async function uprightSize(path: string): Promise<{ width: number; height: number }> {
  const m = await sharp(path).metadata();
  const rotated = (m.orientation ?? 1) >= 5;
  return { width: (rotated ? m.height : m.width) ?? 0, height: (rotated ? m.width : m.height) ?? 0 };
}

/**
 * Read an annotated dataset (COCO, YOLO, VOC, Label Studio, CVAT) into import candidates: each
 * image with its class tag and its boxes and polygons. Problems in the files come back as errors
 * naming the file and the line or JSON path; the valid part is imported.
 */
export async function datasetCandidates(format: FormatName, path: string, classes: string[], errors: ImportError[], followLinks = false): Promise<Candidate[]> {
  const reader = FORMATS[format];
  const { dataset, errors: problems, root, imageRoots } = await reader.read(path, { sizeOf: uprightSize, classes, followLinks });
  for (const p of problems) errors.push({ path: p.where ? `${p.file}:${p.where}` : p.file, reason: p.reason });
  // An image the dataset names outside its own folder (../../etc/passwd, a symlinked folder) is refused.
  const candidates = dataset.images.map((img) => {
    const tag = img.annotations.find((a) => a.kind === 'tag');
    const shapes: NonNullable<Candidate['shapes']> = [];
    for (const a of img.annotations) {
      if (a.kind === 'box') shapes.push({ className: dataset.classes[a.classIndex]!, kind: 'box', geometry: { x: a.x, y: a.y, w: a.w, h: a.h } });
      if (a.kind === 'polygon') shapes.push({ className: dataset.classes[a.classIndex]!, kind: 'polygon', geometry: { points: a.points.map(([x, y]) => [x, y] as [number, number]) } });
    }
    const c: Candidate = { path: resolve(root, img.file) };
    if (tag) c.className = dataset.classes[tag.classIndex]!;
    if (img.split) c.split = img.split;
    if (shapes.length) c.shapes = shapes;
    return c;
  });
  return confineCandidates(candidates, imageRoots ?? [root], errors, followLinks);
}
