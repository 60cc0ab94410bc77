/**
 * RandAugment (Cubuk et al., 2020): instead of a learned policy, apply N operations drawn
 * uniformly from a fixed list, all at one global magnitude M. Two numbers to tune instead of a
 * search over policies. Magnitudes follow torchvision's ranges, with M in 0..10 (10 = strongest).
 */
import { mapImages, type ImageBatch, type ImageView } from './batch.js';
import { affineImage } from './affine.js';
import { adjustBrightness, adjustContrast } from './color.js';
import type { Rng } from './rng.js';
import { rotateImage } from './rotate.js';
import { autocontrast, equalize, posterize, solarize } from './tone.js';

export const MAX_MAGNITUDE = 10;

type Op = (image: ImageView, m: number, sign: number) => Float32Array;

/** Each op gets the magnitude as a fraction t = M / 10 in [0, 1] and a random sign for symmetric ops. */
const OPS = {
  identity: (image) => image.data.slice(),
  autocontrast: (image) => autocontrast(image),
  equalize: (image) => equalize(image),
  rotate: (image, t, s) => rotateImage(image, s * 30 * t, 'zero'),
  solarize: (image, t) => solarize(image, 1 - t),
  posterize: (image, t) => posterize(image, 8 - Math.round(4 * t)),
  brightness: (image, t, s) => adjustBrightness(image, 1 + s * 0.9 * t),
  contrast: (image, t, s) => adjustContrast(image, 1 + s * 0.9 * t),
  shearX: (image, t, s) => affineImage(image, { shearX: s * shearDegrees(t), shearY: 0, translateX: 0, translateY: 0 }),
  shearY: (image, t, s) => affineImage(image, { shearX: 0, shearY: s * shearDegrees(t), translateX: 0, translateY: 0 }),
  translateX: (image, t, s) => affineImage(image, { shearX: 0, shearY: 0, translateX: s * 0.45 * t, translateY: 0 }),
  translateY: (image, t, s) => affineImage(image, { shearX: 0, shearY: 0, translateX: 0, translateY: s * 0.45 * t }),
} satisfies Record<string, Op>;

export type RandAugmentOp = keyof typeof OPS;
export const RANDAUGMENT_OPS = Object.keys(OPS) as readonly RandAugmentOp[];

/** torchvision's shear magnitude is a shear factor up to 0.3; as an angle that is atan(0.3 t). */
function shearDegrees(t: number): number {
  return (Math.atan(0.3 * t) * 180) / Math.PI;
}

/** Applies one named op at magnitude m (0..10); `sign` flips the direction of symmetric ops. */
export function applyRandAugmentOp(image: ImageView, op: RandAugmentOp, m: number, sign: 1 | -1 = 1): Float32Array {
  return OPS[op](image, m / MAX_MAGNITUDE, sign);
}

export interface RandAugmentOptions {
  /** Number of ops per image (drawn with replacement), >= 0. */
  n: number;
  /** Magnitude 0..10 shared by all ops. */
  m: number;
  /** The list to draw from; defaults to all of RANDAUGMENT_OPS. */
  ops?: readonly RandAugmentOp[];
}

/** Applies N random ops at magnitude M to one image. */
export function randAugmentImage(image: ImageView, rng: Rng, { n, m, ops = RANDAUGMENT_OPS }: RandAugmentOptions): Float32Array {
  let current: ImageView = image;
  let data: Float32Array = image.data.slice();
  for (let i = 0; i < n; i++) {
    const op = rng.pick(ops);
    const sign = rng.next() < 0.5 ? -1 : 1;
    data = applyRandAugmentOp(current, op, m, sign);
    current = { ...image, data };
  }
  return data;
}

/** RandAugment with its own ops for each image. Labels are unchanged. */
export function randAugment(batch: ImageBatch, rng: Rng, options: RandAugmentOptions): ImageBatch {
  return mapImages(batch, (image) => randAugmentImage(image, rng, options));
}
