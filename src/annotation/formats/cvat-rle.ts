/**
 * CVAT's mask RLE -> the model's RleMask. CVAT writes `rle="3, 5, 7, ..."` with `left`, `top`,
 * `width`, `height`: runs over the mask's own box, row by row (left to right, then the next row
 * down), starting with a background run. The model keeps COCO's uncompressed form over the whole
 * image: runs down each column, then the next column, starting with background.
 * The work is O(box pixels): columns outside the box are one background run each.
 */
import type { RleMask } from './dataset';

export interface CvatMaskBox {
  rle: number[];
  left: number;
  top: number;
  width: number;
  height: number;
}

export type RleResult = { ok: true; mask: RleMask; pixels: number } | { ok: false; reason: string };

export function cvatRleToCoco(box: CvatMaskBox, imageWidth: number, imageHeight: number): RleResult {
  const { rle, left, top, width: w, height: h } = box;
  if (left + w > imageWidth || top + h > imageHeight) {
    return { ok: false, reason: `the mask box (left ${left}, top ${top}, ${w}x${h}) lies outside the ${imageWidth}x${imageHeight} image` };
  }
  const total = rle.reduce((s, n) => s + n, 0);
  if (total !== w * h) return { ok: false, reason: `the rle counts add up to ${total} pixels, the ${w}x${h} mask box has ${w * h}` };
  const bits = new Uint8Array(w * h);
  let at = 0;
  let pixels = 0;
  rle.forEach((n, i) => {
    if (i % 2 === 1) {
      bits.fill(1, at, at + n);
      pixels += n;
    }
    at += n;
  });
  const counts: number[] = [];
  let value = 0; // COCO counts start with background
  let run = 0;
  const push = (v: number, n: number): void => {
    if (n === 0) return;
    if (v === value) run += n;
    else {
      counts.push(run);
      value = v;
      run = n;
    }
  };
  push(0, left * imageHeight);
  for (let x = 0; x < w; x++) {
    push(0, top);
    for (let y = 0; y < h; y++) push(bits[y * w + x]!, 1);
    push(0, imageHeight - top - h);
  }
  push(0, (imageWidth - left - w) * imageHeight);
  counts.push(run);
  return { ok: true, mask: { counts, width: imageWidth, height: imageHeight }, pixels };
}
