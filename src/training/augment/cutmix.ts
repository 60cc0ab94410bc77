/**
 * CutMix (Yun et al., 2019): paste a random box from another image of the batch and mix the
 * labels by the share of pixels that came from each image. Unlike mixup the result still looks
 * like natural image patches, and unlike cutout no pixels are wasted.
 *
 * The label weight is the exact area of the pasted box after clipping to the image (not the
 * lambda drawn from the Beta distribution), so the label always tells the truth about the pixels
 * and each label row still sums to 1.
 */
import { checkBatch, numClasses, type ImageBatch } from './batch.js';
import type { Rng } from './rng.js';

export interface CutMixOptions {
  /** Beta(alpha, alpha) concentration for the kept share lambda; 1 = uniform. > 0. */
  alpha: number;
  /** Probability that an image receives a box, in [0, 1]. */
  p: number;
}

/** A pasted box in integer pixels: columns [x0, x1) and rows [y0, y1). */
export interface CutMixBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Draws the box for one image the way the reference implementation does: side ratio
 * sqrt(1 - lambda), a uniformly random center, clipped to the image.
 */
export function sampleCutMixBox(height: number, width: number, rng: Rng, alpha: number): CutMixBox {
  const lambda = rng.beta(alpha, alpha);
  const r = Math.sqrt(1 - lambda);
  const cw = Math.round(width * r);
  const chh = Math.round(height * r);
  const cx = rng.int(0, width);
  const cy = rng.int(0, height);
  const clip = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  return {
    x0: clip(cx - Math.floor(cw / 2), width),
    x1: clip(cx + Math.ceil(cw / 2), width),
    y0: clip(cy - Math.floor(chh / 2), height),
    y1: clip(cy + Math.ceil(chh / 2), height),
  };
}

/**
 * Pairs image i with image perm[i] of the input (a random permutation; boxes are always cut
 * from the unmodified input) and pastes a box into each image selected with probability p.
 */
export function cutMix(batch: ImageBatch, rng: Rng, { alpha, p }: CutMixOptions): ImageBatch {
  checkBatch(batch);
  const { n, height: h, width: w, channels: ch } = batch;
  const k = numClasses(batch);
  const size = h * w * ch;
  const images = batch.images.slice();
  const labels = batch.labels.slice();
  const perm = rng.permutation(n);
  for (let i = 0; i < n; i++) {
    if (!(rng.next() < p)) continue;
    const from = perm[i] as number;
    const box = sampleCutMixBox(h, w, rng, alpha);
    const area = (box.x1 - box.x0) * (box.y1 - box.y0);
    if (area === 0 || from === i) continue;
    const rowLen = (box.x1 - box.x0) * ch;
    for (let y = box.y0; y < box.y1; y++) {
      const off = (y * w + box.x0) * ch;
      images.set(batch.images.subarray(from * size + off, from * size + off + rowLen), i * size + off);
    }
    const frac = area / (h * w);
    for (let c = 0; c < k; c++) {
      const own = batch.labels[i * k + c] as number;
      const other = batch.labels[from * k + c] as number;
      labels[i * k + c] = (1 - frac) * own + frac * other;
    }
  }
  return { ...batch, images, labels };
}
