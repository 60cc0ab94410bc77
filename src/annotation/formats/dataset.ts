/**
 * The neutral dataset model every format reads into and writes from. The helpers the formats
 * share live beside it, one job each: reports.ts (problems, parse and write results), sizes.ts
 * (image sizes), numbers.ts, geometry-checks.ts (pixels -> normalized), classes.ts (class
 * names and splits), unique-names.ts (export file names).
 *
 * Geometry is NORMALIZED to [0, 1] of the image size a person sees, i.e. after EXIF
 * orientation: `width`/`height` of a `DatasetImage` are the rotated size, and every
 * coordinate is relative to them. Writers convert to pixels with exactly these
 * `width`/`height`, so an exported box lands where it was drawn on the upright image.
 * A size of 0 means "unknown" (a format that does not carry it and no `sizeOf` was given);
 * geometry on such an image cannot be imported, and pixel writers skip it with a reason.
 */

export type DatasetSplit = 'train' | 'val' | 'test';
export type Point = [number, number];

/** A free attribute as the tool wrote it (CVAT `<attribute>`, COCO `attributes`, Label Studio extras). */
export type AttributeValue = string | number | boolean;

/** Optional extras kept when a format carries them; a writer that cannot hold one says so in `skipped`. */
export interface AnnotationExtras {
  /** COCO `iscrowd`. */
  iscrowd?: boolean;
  score?: number;
  /** Pascal VOC flags (CVAT `occluded` too). */
  difficult?: boolean;
  truncated?: boolean;
  occluded?: boolean;
  /** CVAT `z_order`: drawing order, higher on top. */
  zOrder?: number;
  /** Shapes with the same group belong together (CVAT `group_id`; a VOC `<part>` and its object). */
  group?: number;
  /** Named attributes, in the order the file gave them (CVAT, COCO, VOC `<actions>`, Label Studio). */
  attributes?: Record<string, AttributeValue>;
  /** Who made it, when the format says (Label Studio's annotator of each result, CVAT's source). */
  author?: string;
}

/**
 * A run-length mask in COCO's uncompressed form: `counts` alternate background/foreground runs,
 * column-major (down each column, then the next), starting with background, over `height` x `width`
 * pixels of the mask (usually the image's pixel size). Kept as pixels: masks are not normalized.
 */
export interface RleMask {
  counts: number[];
  width: number;
  height: number;
}

export type DatasetAnnotation =
  | ({ kind: 'tag'; classIndex: number } & AnnotationExtras)
  | ({ kind: 'box'; classIndex: number; x: number; y: number; w: number; h: number } & AnnotationExtras)
  | ({ kind: 'polygon'; classIndex: number; points: Point[] } & AnnotationExtras)
  /** An open line (CVAT `<polyline>`, a Label Studio polyline). */
  | ({ kind: 'polyline'; classIndex: number; points: Point[] } & AnnotationExtras)
  /** Key points (CVAT `<points>`, Label Studio keypoints). */
  | ({ kind: 'points'; classIndex: number; points: Point[] } & AnnotationExtras)
  /** A pixel mask (COCO RLE, crowd regions among them). */
  | ({ kind: 'mask'; classIndex: number; mask: RleMask } & AnnotationExtras);

export type AnnotationKind = DatasetAnnotation['kind'];

export interface DatasetImage {
  /** Path relative to the dataset root (or as written in the file when it cannot be resolved). */
  file: string;
  /** Size after EXIF orientation (what a person sees); 0 = unknown. */
  width: number;
  height: number;
  split?: DatasetSplit;
  annotations: DatasetAnnotation[];
}

export interface Dataset {
  /**
   * Class names in a stable order; `classIndex` points into it. Every class the file declares is
   * here, used or not, in the file's order (YOLO ids, labelmap.txt, CVAT meta labels, COCO categories).
   */
  classes: string[];
  /**
   * The id each class had in the source, parallel to `classes`, when the format numbers them
   * (COCO category ids). YOLO ids are the positions themselves, so they need no entry.
   */
  classIds?: number[];
  images: DatasetImage[];
}

export interface Size {
  width: number;
  height: number;
}
