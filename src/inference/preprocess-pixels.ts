/**
 * A project image as an ONNX model's input pixels, by the model's preprocessing spec: decoded
 * upright at its own size (EXIF rotation, sRGB, alpha dropped, as src/media/pixels.ts does), then
 * resampled, cropped or letterboxed as ./preprocess.ts says. A spec with resize 'sharp' keeps
 * sharp's own pipeline (and its pixel cache), the one Apprentice's training uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
// Straight from the modules, not media's index: the decode thread starts faster without the rest.
import { writeFileAtomic } from '../media/files';
import { imagePixels } from '../media/pixels';
import { pngPixels } from '../media/png-pixels';
import type { RawPixels } from '../media/resample';
import { geometryOf, placement, stretchedFrame, toModelInput, type Frame, type Geometry } from './preprocess';
import type { OnnxInputSpec } from './onnx-spec';

export type PixelsSpec = Pick<OnnxInputSpec, 'width' | 'height' | 'channels' | 'resize' | 'crop' | 'letterbox'>;

/** PNG colour type -> channels of the pixels it holds (alpha dropped): gray, RGB, gray+alpha, RGBA. */
const PNG_COLOR: Record<number, 1 | 3> = { 0: 1, 2: 3, 4: 1, 6: 3 };

/**
 * An image file's pixels at its own size, upright, gray (1 channel) or sRGB (3). Plain 8-bit PNGs
 * decode without sharp (its fixed cost per call dominates on small images); PNG is lossless, so
 * the bytes are the same.
 */
export async function decodeUpright(file: string): Promise<RawPixels> {
  const bytes = /\.png$/i.test(file) ? readFileSync(file) : null;
  if (bytes && bytes.length > 26) {
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    const channels = PNG_COLOR[bytes[25]!];
    const px = channels ? pngPixels(bytes, { width, height, channels }) : null;
    if (px) return { data: px, width, height, channels: channels! };
  }
  const { data, info } = await sharp(bytes ?? file, { failOn: 'none' }).rotate().removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.channels === 1 || info.channels === 3) return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
  // Anything else (two bands of a gray image with alpha that removeAlpha kept): take the first, or the first three.
  const c = info.channels >= 3 ? 3 : 1;
  const out = new Uint8Array(info.width * info.height * c);
  for (let i = 0; i < info.width * info.height; i++) for (let ch = 0; ch < c; ch++) out[i * c + ch] = data[i * info.channels + ch]!;
  return { data: out, width: info.width, height: info.height, channels: c };
}

function cacheDir(spec: PixelsSpec, g: Geometry): string {
  return `${spec.width}x${spec.height}x${spec.channels}-${g.resize}${g.crop === 'center' ? '-center' : ''}${g.letterbox ? '-letterbox' : ''}`;
}

/**
 * A project image as the model's input (HWC uint8) and the frame it lies in. Images decoded by
 * more than 64x64 are cached per spec under cache/tensors/<size>-<method>[-center|-letterbox]/
 * (with the source size after the pixels when the frame depends on it); smaller ones are decoded
 * each time, which is about as fast as reading a cache file.
 */
export async function modelPixels(projectDir: string, mediaPath: string, sha256: string, spec: PixelsSpec): Promise<{ pixels: Uint8Array; frame: Frame }> {
  const { width, height, channels } = spec;
  const g = geometryOf(spec);
  if (g.resize === 'sharp') return { pixels: await imagePixels(projectDir, mediaPath, sha256, { width, height, channels }), frame: stretchedFrame(width, height) };
  const framed = g.crop === 'center' || g.letterbox;
  const size = width * height * channels;
  const cacheFile = join(projectDir, 'cache', 'tensors', cacheDir(spec, g), sha256.slice(0, 2), `${sha256}.u8`);
  if (existsSync(cacheFile)) {
    const cached = readFileSync(cacheFile);
    if (cached.length === size + (framed ? 8 : 0)) {
      const pixels = new Uint8Array(cached.buffer, cached.byteOffset, size);
      if (!framed) return { pixels, frame: stretchedFrame(width, height) };
      const p = placement(cached.readUInt32LE(size), cached.readUInt32LE(size + 4), width, height, g);
      return { pixels, frame: { left: p.left, top: p.top, width: p.width, height: p.height } };
    }
  }
  const src = await decodeUpright(join(projectDir, mediaPath));
  const out = toModelInput(src, width, height, channels, g);
  if (src.width * src.height > 64 * 64) {
    const file = new Uint8Array(size + (framed ? 8 : 0));
    file.set(out.pixels);
    if (framed) {
      const view = new DataView(file.buffer);
      view.setUint32(size, src.width, true);
      view.setUint32(size + 4, src.height, true);
    }
    await writeFileAtomic(cacheFile, file);
  }
  return out;
}
