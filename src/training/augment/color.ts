/**
 * Brightness and contrast: photos of the same thing are taken under different light.
 * Both are blends in the style of PIL's ImageEnhance (and torchvision): factor 1 is the identity,
 * 0 is black (brightness) or flat gray (contrast). Results are clamped to [0, 1].
 */
import { clamp01, mapImages, type ImageBatch, type ImageView } from './batch.js';
import type { Rng } from './rng.js';

/** Multiplies every value by `factor` (>= 0). */
export function adjustBrightness(image: ImageView, factor: number): Float32Array {
  const { data } = image;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = clamp01((data[i] as number) * factor);
  return out;
}

/** Blends with the image's mean gray level: factor * v + (1 - factor) * mean. */
export function adjustContrast(image: ImageView, factor: number): Float32Array {
  const { data } = image;
  const m = (1 - factor) * grayMean(image);
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = clamp01(factor * (data[i] as number) + m);
  return out;
}

/** Mean luminance (ITU-R 601 weights for RGB/RGBA, plain mean of channels otherwise). */
export function grayMean(image: ImageView): number {
  const { data, channels: ch } = image;
  const pixels = image.height * image.width;
  if (pixels === 0) return 0;
  let sum = 0;
  if (ch === 3 || ch === 4) {
    for (let p = 0; p < pixels; p++) {
      const o = p * ch;
      sum += 0.299 * (data[o] as number) + 0.587 * (data[o + 1] as number) + 0.114 * (data[o + 2] as number);
    }
    return sum / pixels;
  }
  for (let i = 0; i < data.length; i++) sum += data[i] as number;
  return sum / data.length;
}

export interface ColorOptions {
  /** Brightness factors are drawn from [max(0, 1 - brightness), 1 + brightness]. */
  brightness: number;
  /** Contrast factors are drawn from [max(0, 1 - contrast), 1 + contrast]. */
  contrast: number;
}

/** Random brightness then random contrast, per image. Labels are unchanged. */
export function colorJitter(batch: ImageBatch, rng: Rng, { brightness, contrast }: ColorOptions): ImageBatch {
  return mapImages(batch, (image) => {
    const b = rng.uniform(Math.max(0, 1 - brightness), 1 + brightness);
    const c = rng.uniform(Math.max(0, 1 - contrast), 1 + contrast);
    const bright = adjustBrightness(image, b);
    return adjustContrast({ ...image, data: bright }, c);
  });
}
