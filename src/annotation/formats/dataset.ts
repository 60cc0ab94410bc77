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

/** Optional extras kept when a format carries them. */
export interface AnnotationExtras {
  iscrowd?: boolean;
  score?: number;
  /** Pascal VOC flags, kept when present. */
  difficult?: boolean;
  truncated?: boolean;
}

export type DatasetAnnotation =
  | ({ kind: 'tag'; classIndex: number } & AnnotationExtras)
  | ({ kind: 'box'; classIndex: number; x: number; y: number; w: number; h: number } & AnnotationExtras)
  | ({ kind: 'polygon'; classIndex: number; points: Point[] } & AnnotationExtras);

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
  /** Class names in a stable order; `classIndex` points into it. */
  classes: string[];
  images: DatasetImage[];
}

export interface Size {
  width: number;
  height: number;
}
