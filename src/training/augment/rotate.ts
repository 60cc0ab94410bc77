/** Rotation by a small random angle about the image center: objects are rarely perfectly upright. */
import { mapImages, type ImageBatch, type ImageView } from './batch.js';
import type { Rng } from './rng.js';
import { about, warpAffine, type Fill } from './warp.js';

/** Rotates one image by `degrees` (positive = counter-clockwise as displayed), bilinear. */
export function rotateImage(image: ImageView, degrees: number, fill: Fill = 'zero'): Float32Array {
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  // Inverse map (output -> source) of a counter-clockwise turn in y-down coordinates.
  const inverse = about(image.width / 2, image.height / 2, [cos, -sin, 0, sin, cos, 0]);
  return warpAffine(image, inverse, fill);
}

export interface RotateOptions {
  /** Angles are drawn uniformly from [-degrees, +degrees]. */
  degrees: number;
  /** What shows in the corners uncovered by the rotation. */
  fill: Fill;
}

/** Rotates each image by its own random angle. Labels are unchanged. */
export function rotate(batch: ImageBatch, rng: Rng, { degrees, fill }: RotateOptions): ImageBatch {
  return mapImages(batch, (image) => rotateImage(image, rng.uniform(-degrees, degrees), fill));
}
