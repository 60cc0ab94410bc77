import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from './files';
import type { PixelSpec } from './pixel-spec';
import { plainPngPixels, pngPixels } from './png-pixels';

/**
 * One image as model input: EXIF-rotated, resized to the spec (stretched, as Lobe and Create ML
 * do for classification), gray or RGB, as bytes. Cached per spec under cache/tensors so the
 * second training run does not decode anything.
 */
export async function imagePixels(projectDir: string, mediaPath: string, sha256: string, spec: PixelSpec): Promise<Uint8Array> {
  const cacheFile = join(projectDir, 'cache', 'tensors', `${spec.width}x${spec.height}x${spec.channels}`, sha256.slice(0, 2), `${sha256}.u8`);
  const expected = spec.width * spec.height * spec.channels;
  if (existsSync(cacheFile)) {
    const cached = readFileSync(cacheFile);
    if (cached.length === expected) return cached;
  }
  // A PNG already at the input size decodes faster than the cache file can be written: no cache.
  // Read synchronously: for a file of a few hundred bytes the thread-pool round trips of an async
  // read cost more than the read (this runs in the engine worker, never on the UI's thread).
  const file = join(projectDir, mediaPath);
  const bytes = /\.png$/i.test(mediaPath) ? readFileSync(file) : null;
  const fast = bytes ? pngPixels(bytes, spec) : null;
  if (fast) return fast;
  // A plain PNG of another size is decoded here and only resized by sharp, from its raw pixels:
  // the same bytes, without sharp's PNG decode (a good part of its cost on a small image).
  const plain = bytes ? plainPngPixels(bytes) : null;
  const input = plain ? sharp(plain.data, { raw: { width: plain.width, height: plain.height, channels: plain.channels } }) : sharp(bytes ?? file, { failOn: 'none' }).rotate();
  let pipeline = input.resize(spec.width, spec.height, { fit: 'fill' }).removeAlpha();
  pipeline = spec.channels === 1 ? pipeline.greyscale() : pipeline.toColorspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  // A grayscale source asked for 3 channels comes back with 1: spread it.
  let pixels: Uint8Array = data;
  if (info.channels !== spec.channels) {
    pixels = new Uint8Array(expected);
    for (let i = 0; i < spec.width * spec.height; i++) for (let c = 0; c < spec.channels; c++) pixels[i * spec.channels + c] = data[i * info.channels + Math.min(c, info.channels - 1)]!;
  }
  await writeFileAtomic(cacheFile, pixels);
  return pixels;
}

/** Decode many images into one NHWC float array in [0, 1], a few at a time (sharp decodes on its own threads). */
export async function decodeImages(
  projectDir: string,
  rows: { media_path: string; sha256: string }[],
  spec: PixelSpec,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Float32Array> {
  const size = spec.width * spec.height * spec.channels;
  const out = new Float32Array(rows.length * size);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < rows.length) {
      opts.signal?.throwIfAborted();
      const i = next++;
      const r = rows[i]!;
      const px = await imagePixels(projectDir, r.media_path, r.sha256, spec);
      for (let j = 0; j < size; j++) out[i * size + j] = px[j]! / 255;
      opts.onProgress?.(++done, rows.length);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return out;
}
