/**
 * Run-length masks as COCO writes them, as pure functions (shared by the formats and the mask code).
 * A mask is `counts` over `height` x `width` pixels, COLUMN-major (down the first column, then the
 * next), alternating background / foreground runs and starting with background (a mask whose first
 * pixel is foreground starts with a 0 run). Two spellings exist in COCO files:
 *   - uncompressed: `{ "size": [h, w], "counts": [n0, n1, ...] }` (the ground truth of crowd regions);
 *   - compressed: `{ "size": [h, w], "counts": "<string>" }`, pycocotools' `rleToString`: each count
 *     (from the 4th on, minus the count two before it) in 5-bit groups, low first, one character per
 *     group as 48 + group, 0x20 set when another group follows, and the top group's 0x10 as its sign.
 */
import type { Point, RleMask } from './dataset';

/** The counts of pycocotools' compressed string, or the reason it is not one. */
export function decodeRleString(s: string): number[] | { error: string } {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) return { error: `the compressed counts end inside a number (at character ${p})` };
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) return { error: `character ${p + 1} (${JSON.stringify(s[p])}) is not part of compressed RLE counts` };
      // Arithmetic instead of `<<`: JavaScript shifts are 32-bit, a count may need 7 groups.
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && (c & 0x10) !== 0) x -= 2 ** (5 * k); // sign extension of the top group
    }
    // pycocotools deltas from the 4th count on (`if (m > 2)`), not from the 3rd.
    if (counts.length > 2) x += counts[counts.length - 2]!;
    if (x < 0) return { error: `count ${counts.length + 1} decodes to ${x}, a run cannot be negative` };
    counts.push(x);
  }
  return counts;
}

/** pycocotools' compressed string of `counts` (the inverse of decodeRleString). */
export function encodeRleString(counts: readonly number[]): string {
  let out = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]! - (i > 2 ? counts[i - 2]! : 0);
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32; // x & 0x1f, for negatives too
      x = Math.floor(x / 32); // x >>= 5 (arithmetic)
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out += String.fromCharCode(c + 48);
    }
  }
  return out;
}

/**
 * Why `counts` is not a mask of width x height, or undefined: every run a whole number >= 0,
 * adding up to exactly width * height pixels (pycocotools leaves a shorter mask's tail undefined).
 */
export function rleProblem(counts: readonly number[], width: number, height: number): string | undefined {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (!Number.isInteger(c) || c < 0) return `run ${i + 1} is ${c}; runs are whole numbers >= 0`;
    sum += c;
  }
  if (sum !== width * height) return `the runs cover ${sum} pixels, the ${width}x${height} mask has ${width * height}`;
  return undefined;
}

/** Foreground pixels (the odd runs). */
export function rleArea(counts: readonly number[]): number {
  let a = 0;
  for (let i = 1; i < counts.length; i += 2) a += counts[i]!;
  return a;
}

/**
 * The foreground's bounding box [x, y, w, h] in pixels as pycocotools' `toBbox` gives it (whole
 * pixels, w = last column - first column + 1), or undefined for an empty mask.
 */
export function rleBbox(mask: RleMask): [number, number, number, number] | undefined {
  const { counts, height: h } = mask;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  let at = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (i % 2 === 1 && n > 0) {
      const first = at;
      const last = at + n - 1;
      const c0 = Math.floor(first / h);
      const c1 = Math.floor(last / h);
      x0 = Math.min(x0, c0);
      x1 = Math.max(x1, c1);
      // A run that wraps into the next column covers the bottom of one and the top of the next.
      if (c0 !== c1) [y0, y1] = [0, h - 1];
      else [y0, y1] = [Math.min(y0, first % h), Math.max(y1, last % h)];
    }
    at += n;
  }
  return x1 < 0 ? undefined : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

/** The bounding box of points, in their own units: { x, y, w, h } (all 0 for no points). */
export function polygonBox(points: readonly Point[]): { x: number; y: number; w: number; h: number } {
  if (points.length === 0) return { x: 0, y: 0, w: 0, h: 0 };
  let [x0, y0] = points[0]!;
  let [x1, y1] = points[0]!;
  for (const [x, y] of points) {
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

/** One byte per pixel (1 = foreground), in `order`: COCO's column-major, or row-major as images are. */
export function rleToBits(mask: RleMask, order: 'column' | 'row' = 'column'): Uint8Array {
  const { counts, width: w, height: h } = mask;
  const bits = new Uint8Array(w * h);
  let at = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (i % 2 === 1) {
      for (let k = at; k < at + n; k++) bits[order === 'column' ? k : (k % h) * w + Math.floor(k / h)] = 1;
    }
    at += n;
  }
  return bits;
}

/** The mask of one byte per pixel (non-zero = foreground), given in `order`. */
export function rleFromBits(bits: ArrayLike<number>, width: number, height: number, order: 'column' | 'row' = 'column'): RleMask {
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  for (let k = 0; k < width * height; k++) {
    const v = (order === 'column' ? bits[k] : bits[(k % height) * width + Math.floor(k / height)]) ? 1 : 0;
    if (v !== value) {
      counts.push(run);
      value = v;
      run = 0;
    }
    run++;
  }
  counts.push(run);
  return { counts, width, height };
}
