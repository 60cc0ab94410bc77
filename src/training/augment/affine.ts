/** Shear and translation: small perspective-like distortions and off-center subjects. */
import { mapImages, type ImageBatch, type ImageView } from './batch.js';
import type { Rng } from './rng.js';
import { about, compose, invert, translation, warpAffine, type Fill } from './warp.js';

export interface AffineParams {
  /** Horizontal shear angle in degrees (x moves by tan(angle) * y). */
  shearX: number;
  /** Vertical shear angle in degrees. */
  shearY: number;
  /** Shift right, as a fraction of the width. */
  translateX: number;
  /** Shift down, as a fraction of the height. */
  translateY: number;
}

/** Shears about the image center, then translates. Bilinear. */
export function affineImage(image: ImageView, params: AffineParams, fill: Fill = 'zero'): Float32Array {
  const { width: w, height: h } = image;
  const kx = Math.tan((params.shearX * Math.PI) / 180);
  const ky = Math.tan((params.shearY * Math.PI) / 180);
  const forward = compose(
    translation(params.translateX * w, params.translateY * h),
    about(w / 2, h / 2, [1, kx, 0, ky, 1, 0]),
  );
  return warpAffine(image, invert(forward), fill);
}

export interface AffineOptions {
  /** Shear angles are drawn uniformly from [-shearDegrees, +shearDegrees] for each axis. */
  shearDegrees: number;
  /** Shifts are drawn uniformly from [-translate, +translate] (fractions of the size). */
  translate: number;
  fill: Fill;
}

/** Applies its own random shear and translation to each image. Labels are unchanged. */
export function affine(batch: ImageBatch, rng: Rng, { shearDegrees, translate, fill }: AffineOptions): ImageBatch {
  return mapImages(batch, (image) =>
    affineImage(
      image,
      {
        shearX: rng.uniform(-shearDegrees, shearDegrees),
        shearY: rng.uniform(-shearDegrees, shearDegrees),
        translateX: rng.uniform(-translate, translate),
        translateY: rng.uniform(-translate, translate),
      },
      fill,
    ),
  );
}
