/**
 * The data an augmentation works on: plain typed arrays, so the same code runs on every tfjs
 * backend and inside worker threads (arrays transfer between threads without copies).
 */

/** A batch of images, NHWC with values in [0, 1], and their labels as n x numClasses rows. */
export interface ImageBatch {
  /** n * height * width * channels values, NHWC, each in [0, 1]. */
  readonly images: Float32Array;
  /** n * numClasses values; one-hot or soft rows that sum to 1 (mixing ops mix them). */
  readonly labels: Float32Array;
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** One image, HWC with values in [0, 1]. */
export interface ImageView {
  readonly data: Float32Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Throws a RangeError naming what is inconsistent, so a shape bug fails at the first batch. */
export function checkBatch(batch: ImageBatch): void {
  const { n, height, width, channels, images, labels } = batch;
  for (const [name, v] of [['n', n], ['height', height], ['width', width], ['channels', channels]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`batch.${name} must be a non-negative integer, got ${v}`);
  }
  if (images.length !== n * height * width * channels) {
    throw new RangeError(
      `batch.images has ${images.length} values, expected n*height*width*channels = ${n * height * width * channels}`,
    );
  }
  if (n > 0 && labels.length % n !== 0) {
    throw new RangeError(`batch.labels has ${labels.length} values, not a multiple of n = ${n}`);
  }
}

/** Number of classes in the label rows. */
export function numClasses(batch: ImageBatch): number {
  return batch.n > 0 ? batch.labels.length / batch.n : 0;
}

/** A view of image i (no copy: the data is a subarray of the batch). */
export function imageAt(batch: ImageBatch, i: number): ImageView {
  const size = batch.height * batch.width * batch.channels;
  return {
    data: batch.images.subarray(i * size, (i + 1) * size),
    height: batch.height,
    width: batch.width,
    channels: batch.channels,
  };
}

/**
 * Applies `fn` to every image and returns a new batch; labels are copied unchanged (geometric and
 * color ops do not change what the image shows). The input batch is never written.
 */
export function mapImages(batch: ImageBatch, fn: (image: ImageView, index: number) => Float32Array): ImageBatch {
  checkBatch(batch);
  const size = batch.height * batch.width * batch.channels;
  const images = new Float32Array(batch.images.length);
  for (let i = 0; i < batch.n; i++) {
    const out = fn(imageAt(batch, i), i);
    if (out.length !== size) throw new RangeError(`augmentation returned ${out.length} values for an image of ${size}`);
    images.set(out, i * size);
  }
  return { ...batch, images, labels: batch.labels.slice() };
}

/** Clamps to [0, 1]; NaN becomes 0 so one bad pixel cannot poison a batch. */
export function clamp01(v: number): number {
  return v > 0 ? (v < 1 ? v : 1) : 0;
}
