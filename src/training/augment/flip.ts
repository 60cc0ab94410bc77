/** Horizontal flip: a mirror image shows the same class for almost every photo dataset. */
import { mapImages, type ImageBatch, type ImageView } from './batch.js';
import type { Rng } from './rng.js';

/** The mirror image (left <-> right) of one image. */
export function flipImage(image: ImageView): Float32Array {
  const { data, height: h, width: w, channels: ch } = image;
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const src = (row + x) * ch;
      const dst = (row + (w - 1 - x)) * ch;
      for (let k = 0; k < ch; k++) out[dst + k] = data[src + k] as number;
    }
  }
  return out;
}

export interface FlipOptions {
  /** Probability that an image is flipped, in [0, 1]. */
  p: number;
}

/** Flips each image independently with probability p. Labels are unchanged. */
export function flipHorizontal(batch: ImageBatch, rng: Rng, { p }: FlipOptions): ImageBatch {
  // One draw per image whatever p is, so changing p does not shift the random stream of later ops.
  return mapImages(batch, (image) => (rng.next() < p ? flipImage(image) : image.data.slice()));
}
