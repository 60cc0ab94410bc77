// Fashion-MNIST (Debian's dataset-fashion-mnist) written out as an ImageFolder of PNGs, once,
// under bench/.data, for the benchmarks that need a real project of real images.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { FASHION_MNIST_CLASSES, readFashionMnist } from '../src/training/data/fashion-mnist';
import { cachedDir } from './cache-dir';

export function fashionMnistAvailable(): boolean {
  return existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz');
}

/** `count` training images as <root>/<class>/<i>.png, written once (complete, or not at all: see cache-dir.ts). */
export async function fashionMnistFolder(count: number): Promise<string> {
  const root = resolve(import.meta.dirname, '.data', `fmnist-${count}`);
  // A folder that an older bench left half-written (before cache-dir.ts) is not reused.
  if (existsSync(root) && countFiles(root) !== count) rmSync(root, { recursive: true, force: true });
  return cachedDir(root, async (tmp) => {
    console.log(`writing ${count} Fashion-MNIST images to ${root} ...`);
    const data = readFashionMnist('train', { limit: count });
    for (let i = 0; i < count; i++) {
      const name = FASHION_MNIST_CLASSES[data.labels[i]!]!.replace('/', '-');
      const dir = join(tmp, name);
      mkdirSync(dir, { recursive: true });
      const px = Buffer.from(Uint8Array.from(data.images.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)));
      await sharp(px, { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toFile(join(dir, `${i}.png`));
    }
  });
}

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0);
}
