// How the formats learn an image's size (EXIF-corrected), which their geometry is relative to.
import type { Size } from './dataset';

/**
 * How a pure parser learns an image's size (YOLO, CSV and friends do not store it). The file
 * is as the parser names it (relative to the dataset root). `{ error }` explains a failure.
 */
export type SizeLookup = (file: string) => Size | { error: string } | undefined;

/** The caller's size callback (sharp in the app): takes an absolute path, may be async. */
export type SizeOf = (absolutePath: string) => Size | Promise<Size>;

export function lookupSize(sizes: SizeLookup | undefined, file: string): Size | string {
  const s = sizes?.(file);
  if (!s) return 'the image size is unknown (the format does not store it and no size callback was given)';
  if ('error' in s) return `cannot read the image size: ${s.error}`;
  if (!(s.width > 0) || !(s.height > 0)) return `the image size ${s.width}x${s.height} is not positive`;
  return s;
}
