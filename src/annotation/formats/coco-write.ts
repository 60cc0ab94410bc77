/**
 * COCO instances JSON from the neutral model.
 *   categories: every class, used or not, in class order; the id is `classIds[i]` when the model
 *     has them (they came from a COCO file: written back as they were), else i + 1.
 *   images: ids 1..n, `file_name` the export name, the image going to `images/<name>`; pixel sizes
 *     are the model's width/height (the EXIF-upright size).
 *   annotations: a box as bbox with empty segmentation; a polygon as one ring (bbox derived); a mask
 *     as UNCOMPRESSED RLE `{ size: [h, w], counts: [...] }` (what COCO's own crowd regions use; read
 *     by pycocotools as is), bbox and area from the mask. iscrowd, score and attributes written.
 *   not held: tags, polylines and points (listed in `skipped`); VOC/CVAT extras other than
 *     `occluded` (written as attributes.occluded, as CVAT's COCO export does; listed in `converted`).
 * COCO has no per-image split: splits are not written (read them back with `split`).
 */
import { join } from 'node:path';
import type { Dataset, DatasetAnnotation, DatasetImage } from './dataset';
import { DatasetFormatError, type FormatProblem, type WrittenDataset } from './reports';
import { formatNumber } from './numbers';
import { polygonArea } from './geometry-checks';
import { className } from './classes';
import { ExportNames } from './unique-names';
import { polygonBox, rleArea, rleBbox } from './rle';

export interface CocoWriteOptions {
  /** Name of the JSON file relative to the output root (default "annotations.json"). */
  fileName?: string;
  /** Folder (relative to the JSON's folder) the images are placed in; default "images". */
  imagesFolder?: string;
}

const NOT_HELD: Partial<Record<DatasetAnnotation['kind'], string>> = {
  tag: 'COCO has no image-level tags; the tag is not written',
  polyline: 'COCO instances hold boxes, polygons and masks; a polyline is not written',
  points: 'COCO instances hold boxes, polygons and masks; key points are not written',
};

/** Extras of the model COCO has no field for. */
const NO_FIELD = ['difficult', 'truncated', 'zOrder', 'group', 'author'] as const;

/** The category id of each class: the model's source ids when valid, else 1..n. */
function categoryIds(dataset: Dataset): number[] {
  const ids = dataset.classIds;
  if (ids === undefined) return dataset.classes.map((_, i) => i + 1);
  if (ids.length !== dataset.classes.length) {
    throw new DatasetFormatError('', 'classIds', `${ids.length} class ids for ${dataset.classes.length} classes`);
  }
  const seen = new Set<number>();
  for (const id of ids) {
    if (!Number.isInteger(id) || id < 0) throw new DatasetFormatError('', 'classIds', `a COCO category id is a whole number >= 0, got ${id}`);
    if (seen.has(id)) throw new DatasetFormatError('', 'classIds', `category id ${id} is given to two classes`);
    seen.add(id);
  }
  return ids;
}

export function writeCoco(dataset: Dataset, opts: CocoWriteOptions = {}): WrittenDataset {
  const fileName = opts.fileName ?? 'annotations.json';
  const imagesFolder = opts.imagesFolder ?? 'images';
  const ids = categoryIds(dataset);
  const names = new ExportNames();
  const skipped: FormatProblem[] = [];
  const converted: FormatProblem[] = [];
  const images: string[] = [];
  const annotations: string[] = [];
  const placements: WrittenDataset['images'] = [];
  dataset.images.forEach((img) => {
    if (!(img.width > 0) || !(img.height > 0)) {
      skipped.push({ file: img.file, where: '', reason: 'the image size is unknown, COCO needs it' });
      return;
    }
    const name = names.claim(imagesFolder, img.file);
    const id = images.length + 1;
    placements.push({ file: img.file, to: join(imagesFolder, name).split('\\').join('/') });
    images.push(JSON.stringify({ id, file_name: name, width: img.width, height: img.height }));
    img.annotations.forEach((a, k) => {
      className(dataset, a, img.file);
      const where = `annotation ${k + 1}`;
      const notHeld = NOT_HELD[a.kind];
      if (notHeld) return void skipped.push({ file: img.file, where, reason: notHeld });
      if (a.kind === 'mask' && (a.mask.width !== img.width || a.mask.height !== img.height)) {
        const reason = `the mask is ${a.mask.width}x${a.mask.height} but the image is ${img.width}x${img.height}; COCO masks cover the image`;
        return void skipped.push({ file: img.file, where, reason });
      }
      const lost = NO_FIELD.filter((f) => a[f] !== undefined);
      if (lost.length) converted.push({ file: img.file, where, reason: `written without ${lost.join(', ')} (COCO has no such field)` });
      if (a.occluded !== undefined) converted.push({ file: img.file, where, reason: 'occluded written as attributes.occluded (as CVAT writes COCO)' });
      annotations.push(cocoAnnotation(a, img, id, annotations.length + 1, ids[a.classIndex]!));
    });
  });
  const categories = dataset.classes.map((name, i) => JSON.stringify({ id: ids[i], name, supercategory: '' }));
  const block = (rows: string[]): string => (rows.length ? `[\n    ${rows.join(',\n    ')}\n  ]` : '[]');
  const content =
    '{\n' +
    `  "info": ${JSON.stringify({ description: 'Exported by Apprentice', version: '1.0' })},\n` +
    '  "licenses": [],\n' +
    `  "categories": ${block(categories)},\n` +
    `  "images": ${block(images)},\n` +
    `  "annotations": ${block(annotations)}\n` +
    '}\n';
  const out: WrittenDataset = { files: [{ path: fileName, content }], images: placements, skipped };
  if (converted.length) out.converted = converted;
  return out;
}

function cocoAnnotation(a: DatasetAnnotation, img: DatasetImage, imageId: number, id: number, categoryId: number): string {
  const W = img.width;
  const H = img.height;
  const num = (v: number): number => Number(formatNumber(v));
  let bbox: number[];
  let segmentation: number[][] | { size: [number, number]; counts: number[] };
  let area: number;
  if (a.kind === 'box') {
    bbox = [num(a.x * W), num(a.y * H), num(a.w * W), num(a.h * H)];
    segmentation = [];
    area = num(a.w * W * a.h * H);
  } else if (a.kind === 'polygon') {
    const px = a.points.map(([x, y]) => [x * W, y * H] as [number, number]);
    const b = polygonBox(px);
    bbox = [num(b.x), num(b.y), num(b.w), num(b.h)];
    segmentation = [px.flatMap(([x, y]) => [num(x), num(y)])];
    area = num(polygonArea(px));
  } else if (a.kind === 'mask') {
    bbox = rleBbox(a.mask) ?? [0, 0, 0, 0];
    segmentation = { size: [a.mask.height, a.mask.width], counts: a.mask.counts };
    area = rleArea(a.mask.counts);
  } else {
    throw new DatasetFormatError(img.file, '', `a ${a.kind} has no COCO form`); // filtered out by the caller
  }
  const entry: Record<string, unknown> = {
    id,
    image_id: imageId,
    category_id: categoryId,
    bbox,
    area,
    segmentation,
    iscrowd: a.iscrowd ? 1 : 0,
  };
  if (a.score !== undefined) entry.score = a.score;
  const attributes = { ...a.attributes, ...(a.occluded !== undefined ? { occluded: a.occluded } : {}) };
  if (Object.keys(attributes).length > 0) entry.attributes = attributes;
  return JSON.stringify(entry);
}
