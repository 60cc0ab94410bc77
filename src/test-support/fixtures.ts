import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

/** A fresh temp folder per test, removed afterwards. */
export function tempDir(prefix = 'apprentice-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small solid-color image with a seed-dependent color and size, so every call differs. */
export async function writeImage(path: string, seed: number, options: { format?: 'jpeg' | 'png' | 'webp'; width?: number; height?: number; orientation?: number } = {}): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const width = options.width ?? 32 + (seed % 17);
  const height = options.height ?? 24 + (seed % 11);
  let img = sharp({
    create: { width, height, channels: 3, background: { r: (seed * 53) % 256, g: (seed * 97) % 256, b: (seed * 31) % 256 } },
  });
  if (options.orientation) img = img.withMetadata({ orientation: options.orientation });
  const format = options.format ?? 'jpeg';
  await (format === 'png' ? img.png() : format === 'webp' ? img.webp() : img.jpeg()).toFile(path);
}

/** Files that look like images by name but are not: the import must report and skip each. */
export function writeBadFiles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files = {
    'empty.jpg': Buffer.alloc(0),
    'truncated.jpg': Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46]),
    'not-an-image.png': Buffer.from('this is a text file pretending to be a PNG'),
  };
  return Object.entries(files).map(([name, data]) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  });
}

/**
 * A tiny two-class ImageFolder dataset a model can learn in a few epochs: "top" images are bright
 * in their top half, "bottom" ones in their bottom half, with noise. Gray PNGs, `size` pixels.
 */
export async function writeTopBottomDataset(root: string, perClass: number, size = 16, seedStart = 12345): Promise<void> {
  let seed = seedStart;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (const [cls, topBright] of [['top', true], ['bottom', false]] as const) {
    for (let i = 0; i < perClass; i++) {
      const px = Buffer.alloc(size * size);
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) px[y * size + x] = Math.round(((y < size / 2) === topBright ? 170 : 50) + rand() * 80);
      const split = i % 5 === 0 ? 'test' : 'train';
      const file = join(root, split, cls, `${cls}-${i}.png`);
      mkdirSync(dirname(file), { recursive: true });
      await sharp(px, { raw: { width: size, height: size, channels: 1 } }).toColourspace('b-w').png().toFile(file);
    }
  }
}
