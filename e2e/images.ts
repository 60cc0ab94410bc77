import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

/** A small JPEG with a seed-dependent color and a shape, so images differ and look like something. */
export async function writeTestImage(path: string, seed: number, width = 160, height = 120): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const r = (seed * 53) % 256;
  const g = (seed * 97) % 256;
  const b = (seed * 31) % 256;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="rgb(${r},${g},${b})"/>
    <circle cx="${30 + ((seed * 17) % (width - 60))}" cy="${height / 2}" r="${20 + (seed % 15)}" fill="rgb(${255 - r},${255 - g},${255 - b})"/>
  </svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(path);
}
