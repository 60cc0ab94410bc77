import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { BROWSER_FORMATS, MAX_INPUT_PIXELS, THUMB_SIZE } from './formats';

/** What an image file turned out to be, plus the derived files to store. */
export interface IngestedImage {
  sha256: string;
  /** Size after EXIF orientation is applied: the size a person sees and annotates. */
  width: number;
  height: number;
  format: string;
  bytes: number;
  thumbnail: Buffer;
  /** A copy the browser can show upright (rotated and/or converted), when the original is not. */
  display?: Buffer;
}

export class NotAnImageError extends Error {}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const sharpOptions = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'warning' as const };

/**
 * Decode one image: read its header, apply EXIF orientation, make a thumbnail (which decodes
 * every pixel, so a truncated or corrupt file fails here rather than later in training).
 * Animated images use their first frame. Throws NotAnImageError with a reason a person reads.
 * `sha256` is the data's hash when the caller already has it (it is not computed twice).
 */
export async function ingestImage(data: Buffer, sha256?: string): Promise<IngestedImage> {
  if (data.length === 0) throw new NotAnImageError('the file is empty (0 bytes)');
  let meta: Metadata;
  try {
    meta = await sharp(data, sharpOptions).metadata();
  } catch (err) {
    throw new NotAnImageError(reasonFromSharp(err, data));
  }
  if (!meta.width || !meta.height || !meta.format) throw new NotAnImageError('not an image sharp can read');
  const rotated = (meta.orientation ?? 1) >= 5; // orientations 5-8 swap width and height
  const width = rotated ? meta.height : meta.width;
  const height = rotated ? meta.width : meta.height;
  if (width * height > MAX_INPUT_PIXELS) {
    throw new NotAnImageError(`the image is ${width}x${height} pixels, more than the ${MAX_INPUT_PIXELS} pixel limit`);
  }
  let thumbnail: Buffer;
  let display: Buffer | undefined;
  try {
    thumbnail = await sharp(data, sharpOptions)
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
    const needsDisplayCopy = (meta.orientation ?? 1) !== 1 || !BROWSER_FORMATS.has(meta.format) || (meta.pages ?? 1) > 1;
    if (needsDisplayCopy) display = await sharp(data, sharpOptions).rotate().webp({ quality: 92 }).toBuffer();
  } catch (err) {
    throw new NotAnImageError(reasonFromSharp(err, data));
  }
  return { sha256: sha256 ?? sha256Hex(data), width, height, format: meta.format, bytes: data.length, thumbnail, ...(display ? { display } : {}) };
}

/** The format a file's first bytes claim, so a damaged image is not reported as "not an image". */
function claimedFormat(data: Buffer): string | null {
  const ascii = (from: number, to: number) => data.subarray(from, to).toString('latin1');
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'JPEG';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'PNG';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'WebP';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'TIFF';
  if (ascii(0, 4) === 'GIF8') return 'GIF';
  if (ascii(4, 8) === 'ftyp') return 'AVIF';
  return null;
}

function reasonFromSharp(err: unknown, data: Buffer): string {
  const msg = (err as Error)?.message ?? String(err);
  if (/unsupported image format/i.test(msg)) {
    const claimed = claimedFormat(data);
    return claimed ? `corrupt or truncated ${claimed} image (its header cannot be read)` : 'not an image (unsupported or unknown format)';
  }
  if (/pixel limit/i.test(msg)) return `the image is larger than the ${MAX_INPUT_PIXELS} pixel limit`;
  // failOn 'warning': the decoder noticed damage (e.g. bad LZW codes in a TIFF) and would have guessed the pixels.
  if (/warning treated as error/i.test(msg)) return `corrupt or truncated ${claimedFormat(data) ?? ''} image (the decoder found damaged data)`.replace('  ', ' ');
  if (/premature end|truncated|unexpected end|corrupt|invalid|bad|vips/i.test(msg)) return `corrupt or truncated image (${msg.split('\n')[0]})`;
  return `cannot decode the image (${msg.split('\n')[0]})`;
}
