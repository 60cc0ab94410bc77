import { describe, expect, test } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { plainPngPixels, pngPixels } from './png-pixels';
import { imagePixels } from './pixels';
import { tempDir } from '../test-support/fixtures';

/** What the sharp pipeline of imagePixels gives for these bytes (no resize: same size). */
async function viaSharp(png: Buffer, channels: 1 | 3): Promise<Uint8Array> {
  let p = sharp(png).rotate().removeAlpha();
  p = channels === 1 ? p.greyscale() : p.toColorspace('srgb');
  const { data, info } = await p.raw().toBuffer({ resolveWithObject: true });
  if (info.channels === channels) return data;
  const out = new Uint8Array(info.width * info.height * channels);
  for (let i = 0; i < info.width * info.height; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = data[i * info.channels]!;
  return out;
}

/** A noisy image (every filter type gets used by the encoder) with `channels` channels. */
function noise(width: number, height: number, channels: number, seed: number): Buffer {
  let s = seed;
  const out = Buffer.alloc(width * height * channels);
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    // Smooth gradients plus noise: the adaptive encoder picks Sub, Up, Average and Paeth rows.
    out[i] = ((i % (width * channels)) * 3 + Math.floor(i / (width * channels)) * 5 + (s % 23)) & 255;
  }
  return out;
}

describe('PNG fast path', () => {
  test.each([
    ['gray', 1, 1],
    ['gray to RGB', 1, 3],
    ['RGB', 3, 3],
    ['RGBA (alpha dropped)', 4, 3],
    ['gray + alpha', 2, 1],
  ] as const)('%s: the same bytes as sharp', async (_name, sourceChannels, channels) => {
    for (const [seed, filter] of [[1, true], [2, false]] as const) {
      let img = sharp(noise(28, 20, sourceChannels, seed), { raw: { width: 28, height: 20, channels: sourceChannels } });
      if (sourceChannels <= 2) img = img.toColourspace('b-w'); // else sharp writes gray as RGB
      const png = await img.png({ adaptiveFiltering: filter, compressionLevel: 9 }).toBuffer();
      const fast = pngPixels(png, { width: 28, height: 20, channels });
      expect(fast).not.toBeNull();
      expect(Buffer.from(fast!).equals(Buffer.from(await viaSharp(png, channels)))).toBe(true);
    }
  });

  test('leaves to sharp what it cannot do exactly', async () => {
    const gray = await sharp(noise(8, 8, 1, 3), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    const rgb = await sharp(noise(8, 8, 3, 3), { raw: { width: 8, height: 8, channels: 3 } }).png().toBuffer();
    expect(pngPixels(gray, { width: 16, height: 16, channels: 1 })).toBeNull(); // needs a resize
    expect(pngPixels(rgb, { width: 8, height: 8, channels: 1 })).toBeNull(); // RGB to gray: sharp's formula
    const palette = await sharp(noise(8, 8, 3, 3), { raw: { width: 8, height: 8, channels: 3 } }).png({ palette: true }).toBuffer();
    expect(pngPixels(palette, { width: 8, height: 8, channels: 3 })).toBeNull();
    const sixteen = await sharp(noise(8, 8, 1, 3), { raw: { width: 8, height: 8, channels: 1 } }).png().toColourspace('grey16').toBuffer();
    expect(pngPixels(sixteen, { width: 8, height: 8, channels: 1 })).toBeNull();
    const withProfile = await sharp(rgb).withIccProfile('p3').png().toBuffer();
    expect(pngPixels(withProfile, { width: 8, height: 8, channels: 3 })).toBeNull();
    const rotated = await sharp(rgb).withMetadata({ orientation: 6 }).png().toBuffer();
    expect(pngPixels(rotated, { width: 8, height: 8, channels: 3 })).toBeNull();
    expect(pngPixels(gray.subarray(0, gray.length - 30), { width: 8, height: 8, channels: 1 })).toBeNull(); // truncated
    expect(pngPixels(Buffer.from('not a png at all, just some text'), { width: 8, height: 8, channels: 1 })).toBeNull();
  });
});

/** imagePixels' pipeline as it was before the raw-input path: sharp decodes and resizes the PNG. */
async function resizedBySharp(png: Buffer, width: number, height: number, channels: 1 | 3): Promise<Buffer> {
  let p = sharp(png, { failOn: 'none' }).rotate().resize(width, height, { fit: 'fill' }).removeAlpha();
  p = channels === 1 ? p.greyscale() : p.toColorspace('srgb');
  const { data, info } = await p.raw().toBuffer({ resolveWithObject: true });
  if (info.channels === channels) return data;
  const out = Buffer.alloc(width * height * channels);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = data[i * info.channels]!;
  return out;
}

describe('PNG of another size: decoded here, resized by sharp from raw pixels', () => {
  test('gives the bytes sharp gives from the PNG, gray and RGB, enlarged, shrunk and stretched', async () => {
    const { dir, cleanup } = tempDir();
    try {
      let n = 0;
      for (const sourceChannels of [1, 3] as const) {
        for (const [seed, filter] of [[5, true], [6, false]] as const) {
          let img = sharp(noise(28, 20, sourceChannels, seed), { raw: { width: 28, height: 20, channels: sourceChannels } });
          if (sourceChannels === 1) img = img.toColourspace('b-w');
          const png = await img.png({ adaptiveFiltering: filter }).toBuffer();
          expect(plainPngPixels(png)).not.toBeNull();
          for (const [w, h, c] of [[96, 96, 3], [96, 96, 1], [14, 10, 1], [64, 17, 3], [7, 33, 1]] as const) {
            const name = `img${n++}.png`;
            writeFileSync(join(dir, name), png);
            const ours = await imagePixels(dir, name, String(n).padStart(64, '0'), { width: w, height: h, channels: c });
            expect(Buffer.from(ours).equals(await resizedBySharp(png, w, h, c))).toBe(true);
          }
        }
      }
    } finally {
      cleanup();
    }
  });

  test('alpha, palette, 16-bit and interlaced PNGs are left to sharp, and come out as sharp makes them', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const rgba = sharp(noise(12, 9, 4, 7), { raw: { width: 12, height: 9, channels: 4 } });
      const rgb = () => sharp(noise(12, 9, 3, 8), { raw: { width: 12, height: 9, channels: 3 } });
      const cases = {
        alpha: await rgba.png().toBuffer(),
        palette: await rgb().png({ palette: true }).toBuffer(),
        sixteen: await rgb().toColourspace('rgb16').png().toBuffer(),
        interlaced: await rgb().png({ progressive: true }).toBuffer(),
      };
      let n = 0;
      for (const [name, png] of Object.entries(cases)) {
        expect(plainPngPixels(png), name).toBeNull();
        writeFileSync(join(dir, `${name}.png`), png);
        const ours = await imagePixels(dir, `${name}.png`, String(++n).padStart(64, 'a'), { width: 30, height: 20, channels: 3 });
        expect(Buffer.from(ours).equals(await resizedBySharp(png, 30, 20, 3)), name).toBe(true);
      }
    } finally {
      cleanup();
    }
  });
});
