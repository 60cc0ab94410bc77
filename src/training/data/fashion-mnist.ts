/**
 * Reader for the Fashion-MNIST idx files (gzip-compressed), as shipped by Debian's
 * `dataset-fashion-mnist` package in /usr/share/datasets/fashion-mnist.
 *
 * Used by benchmarks and tests that want real images without any download. Pixels are scaled to
 * [0, 1] and laid out NHWC (channels = 1), the layout every tfjs image model here expects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

export interface ImageSplit {
  /** count * height * width * channels floats in [0, 1], NHWC. */
  images: Float32Array;
  /** count class indices in [0, 10). */
  labels: Int32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

const IDX_UBYTE_IMAGES = 0x00000803; // magic: unsigned bytes, 3 dimensions
const IDX_UBYTE_LABELS = 0x00000801; // magic: unsigned bytes, 1 dimension

/** Reads one split ('train' has 60,000 images, 't10k' 10,000); `limit` keeps the first N. */
export function readFashionMnist(
  split: 'train' | 't10k',
  options: { dir?: string; limit?: number } = {},
): ImageSplit {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  const img = gunzipSync(readFileSync(join(dir, `${split}-images-idx3-ubyte.gz`)));
  const lab = gunzipSync(readFileSync(join(dir, `${split}-labels-idx1-ubyte.gz`)));

  // idx headers are big-endian int32s.
  if (img.readInt32BE(0) !== IDX_UBYTE_IMAGES) throw new Error(`${split}: not an idx3 ubyte image file`);
  if (lab.readInt32BE(0) !== IDX_UBYTE_LABELS) throw new Error(`${split}: not an idx1 ubyte label file`);
  const total = img.readInt32BE(4);
  const height = img.readInt32BE(8);
  const width = img.readInt32BE(12);
  if (lab.readInt32BE(4) !== total) throw new Error(`${split}: ${total} images but ${lab.readInt32BE(4)} labels`);

  const count = Math.min(total, options.limit ?? total);
  const pixels = count * height * width;
  const images = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) images[i] = img[16 + i]! / 255;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = lab[8 + i]!;
  return { images, labels, count, height, width, channels: 1 };
}
