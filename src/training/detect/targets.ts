/**
 * Training targets of the box student: each box is assigned to the grid cell that holds its
 * center. Pure functions on plain arrays, so they are tested by hand.
 *
 * Per cell the target has 6 + C channels:
 *   0      objectness target: 1 for a box a person drew or accepted; a pending pseudo box's target
 *          is the teacher's score (box distillation); 0 for a cell with no box
 *   1      1 when a box is assigned to the cell (the box and class terms apply), else 0
 *   2, 3   the box center's offset inside the cell, in [0, 1)
 *   4, 5   the box's width and height as fractions of the image
 *   6..    the box's class, one-hot
 */
import type { Box } from '../../annotation';

/** A box to learn: normalized to [0, 1] of the upright image, with its class and objectness target. */
export interface TargetBox extends Box {
  classIndex: number;
  /** The objectness target: 1, or a teacher's score for a pending pseudo box. */
  objectness: number;
}

export const TARGET_BOX_CHANNELS = 6;

export function targetChannels(numClasses: number): number {
  return TARGET_BOX_CHANNELS + numClasses;
}

/** The cell (row, col) of a box's center on an S x S grid, and the center's offsets inside it. */
export function cellOf(box: Box, grid: number): { row: number; col: number; offX: number; offY: number } {
  const cx = Math.min(Math.max(box.x + box.w / 2, 0), 1);
  const cy = Math.min(Math.max(box.y + box.h / 2, 0), 1);
  const col = Math.min(grid - 1, Math.floor(cx * grid));
  const row = Math.min(grid - 1, Math.floor(cy * grid));
  return { row, col, offX: cx * grid - col, offY: cy * grid - row };
}

/**
 * The target grid [S, S, 6 + C] of one image (row-major, channels last), written into `out` at
 * `offset` when given. When two boxes fall in one cell, the one with the higher objectness target
 * wins, and between equals the smaller one (one cell holds one box; the smaller is the harder to
 * find, so it is the one learned).
 */
export function encodeTargets(boxes: readonly TargetBox[], grid: number, numClasses: number, out?: Float32Array, offset = 0): Float32Array {
  const ch = targetChannels(numClasses);
  const target = out ?? new Float32Array(grid * grid * ch);
  if (out) target.fill(0, offset, offset + grid * grid * ch);
  const owner = new Map<number, TargetBox>();
  for (const b of boxes) {
    if (b.w <= 0 || b.h <= 0 || b.classIndex < 0 || b.classIndex >= numClasses) continue;
    const { row, col, offX, offY } = cellOf(b, grid);
    const cell = row * grid + col;
    const prev = owner.get(cell);
    if (prev && (prev.objectness > b.objectness || (prev.objectness === b.objectness && prev.w * prev.h <= b.w * b.h))) continue;
    owner.set(cell, b);
    const at = offset + cell * ch;
    target.fill(0, at, at + ch);
    target[at] = Math.min(Math.max(b.objectness, 0), 1);
    target[at + 1] = 1;
    target[at + 2] = offX;
    target[at + 3] = offY;
    target[at + 4] = Math.min(b.w, 1);
    target[at + 5] = Math.min(b.h, 1);
    target[at + TARGET_BOX_CHANNELS + b.classIndex] = 1;
  }
  return target;
}

/** Boxes of an image flipped left-right. */
export function flipBoxes<T extends Box>(boxes: readonly T[]): T[] {
  return boxes.map((b) => ({ ...b, x: 1 - b.x - b.w }));
}

/** Flip an NHWC image (one of a batch, at `offset`) left-right in place. */
export function flipImageInPlace(pixels: Float32Array | Uint8Array, height: number, width: number, channels: number, offset = 0): void {
  for (let y = 0; y < height; y++) {
    const row = offset + y * width * channels;
    for (let x = 0; x < width >> 1; x++) {
      const a = row + x * channels;
      const b = row + (width - 1 - x) * channels;
      for (let c = 0; c < channels; c++) {
        const t = pixels[a + c]!;
        pixels[a + c] = pixels[b + c]!;
        pixels[b + c] = t;
      }
    }
  }
}
