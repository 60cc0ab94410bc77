import { extname } from 'node:path';

/** File endings Apprentice imports. SVG is left out on purpose: it can reference other files. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

export function hasImageExtension(path: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

/** Formats every browser (and Konva) shows as they are; anything else gets a display copy. */
export const BROWSER_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif']);

/**
 * Largest image accepted, in pixels (the same as sharp's own default, stated here so it is a
 * decision): it stops decompression bombs before they are decoded.
 */
export const MAX_INPUT_PIXELS = 0x3fff * 0x3fff;

export const THUMB_SIZE = 256;
