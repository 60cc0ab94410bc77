/**
 * Random resized crop (the Inception / torchvision RandomResizedCrop recipe): pick a box covering a
 * random fraction of the image with a random aspect ratio, and resize it back to the full size.
 * It teaches scale and position invariance and is the strongest single augmentation for
 * classification.
 */
import { mapImages, type ImageBatch, type ImageView } from './batch.js';
import type { Rng } from './rng.js';
import { warpAffine } from './warp.js';

/** A box in continuous pixel coordinates (not rounded: the resize is bilinear anyway). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Resizes the content of `box` to the full image size, bilinear, replicating edges. */
export function cropResizeImage(image: ImageView, box: Box): Float32Array {
  const sx = box.width / image.width;
  const sy = box.height / image.height;
  return warpAffine(image, [sx, 0, box.x, 0, sy, box.y], 'edge');
}

export interface CropOptions {
  /** Range of the box area as a fraction of the image area, 0 < lo <= hi <= 1. */
  scale: readonly [number, number];
  /** Range of the box aspect ratio width/height, drawn log-uniformly, 0 < lo <= hi. */
  ratio: readonly [number, number];
}

/**
 * Draws a crop box the way torchvision does: up to 10 tries at a random area and log-uniform
 * ratio; if none fits, the largest centered box whose ratio is clamped into range.
 */
export function sampleCropBox(height: number, width: number, rng: Rng, { scale, ratio }: CropOptions): Box {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const r = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.sqrt(target * r);
    const h = Math.sqrt(target / r);
    if (w > 0 && h > 0 && w <= width && h <= height) {
      return { x: rng.uniform(0, width - w), y: rng.uniform(0, height - h), width: w, height: h };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = w / ratio[0];
  else if (inRatio > ratio[1]) w = h * ratio[1];
  return { x: (width - w) / 2, y: (height - h) / 2, width: w, height: h };
}

/** Crops each image with its own random box and resizes it back. Labels are unchanged. */
export function randomResizedCrop(batch: ImageBatch, rng: Rng, options: CropOptions): ImageBatch {
  return mapImages(batch, (image) => cropResizeImage(image, sampleCropBox(image.height, image.width, rng, options)));
}
