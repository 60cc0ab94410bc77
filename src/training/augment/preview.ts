/**
 * A mosaic of augmented versions of one image, so the UI can show what `--augment` will do
 * before a training run starts. Computed here (not in the renderer) so the preview uses exactly
 * the code that training uses.
 */
import type { ImageView } from './batch.js';
import type { AugmentConfig } from './config.js';
import { augmentBatch } from './pipeline.js';
import { createRng } from './rng.js';

export interface PreviewOptions {
  /** Number of augmented versions (default 8). */
  count?: number;
  /** Tiles per row (default 4). */
  columns?: number;
  /** Same seed, same mosaic (default 0). */
  seed?: number;
  /** Pixels between tiles (default 2). */
  gap?: number;
  /** Value of the gap pixels, in [0, 1] (default 1, white). */
  gapValue?: number;
}

/**
 * Tiles `count` augmented copies of `image` row by row into one HWC image. CutMix has nothing to
 * mix with here (every tile comes from the same image), so it shows no effect in the preview.
 */
export function augmentPreview(image: ImageView, config: AugmentConfig, options: PreviewOptions = {}): ImageView {
  const { count = 8, columns = 4, seed = 0, gap = 2, gapValue = 1 } = options;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`preview count must be a positive integer, got ${count}`);
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`preview columns must be a positive integer, got ${columns}`);
  if (!Number.isInteger(gap) || gap < 0) throw new RangeError(`preview gap must be a non-negative integer, got ${gap}`);
  const { height: h, width: w, channels: ch } = image;
  const size = h * w * ch;
  if (image.data.length !== size) throw new RangeError(`image has ${image.data.length} values, expected ${size}`);

  const images = new Float32Array(size * count);
  for (let i = 0; i < count; i++) images.set(image.data, i * size);
  const augmented = augmentBatch(
    { images, labels: new Float32Array(count).fill(1), n: count, height: h, width: w, channels: ch },
    config,
    createRng(seed),
  );

  const cols = Math.min(columns, count);
  const rows = Math.ceil(count / cols);
  const mh = rows * h + (rows - 1) * gap;
  const mw = cols * w + (cols - 1) * gap;
  const data = new Float32Array(mh * mw * ch).fill(gapValue);
  for (let t = 0; t < count; t++) {
    const top = Math.floor(t / cols) * (h + gap);
    const left = (t % cols) * (w + gap);
    for (let y = 0; y < h; y++) {
      const src = t * size + y * w * ch;
      data.set(augmented.images.subarray(src, src + w * ch), ((top + y) * mw + left) * ch);
    }
  }
  return { data, height: mh, width: mw, channels: ch };
}
