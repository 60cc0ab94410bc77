/**
 * Geometric resampling shared by rotate, affine and random-resized-crop: each builds the map from
 * an output pixel back to the source (inverse mapping, so every output pixel gets exactly one
 * value and there are no holes) and samples the source bilinearly.
 *
 * Coordinates are continuous with pixel (row i, column j) covering [j, j+1) x [i, i+1), i.e. its
 * center at (j + 0.5, i + 0.5). With that convention the identity map samples each pixel center
 * exactly, so rotate(0) and a full-image crop return the input bit for bit.
 */
import { clamp01, type ImageView } from './batch.js';

/** (x, y) -> (a*x + b*y + c, d*x + e*y + f) in continuous pixel coordinates. */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

/** How to fill source positions outside the image: black (0) or the nearest edge pixel. */
export type Fill = 'zero' | 'edge';

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

/** p ∘ q: apply q first, then p. */
export function compose(p: Affine, q: Affine): Affine {
  const [a, b, c, d, e, f] = p;
  const [A, B, C, D, E, F] = q;
  return [a * A + b * D, a * B + b * E, a * C + b * F + c, d * A + e * D, d * B + e * E, d * C + e * F + f];
}

export function invert(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (det === 0 || !Number.isFinite(det)) throw new RangeError('affine transform is not invertible');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

export function translation(tx: number, ty: number): Affine {
  return [1, 0, tx, 0, 1, ty];
}

/** Applies `linear` (a 2x2 matrix, no translation) about the point (cx, cy). */
export function about(cx: number, cy: number, linear: Affine): Affine {
  return compose(translation(cx, cy), compose(linear, translation(-cx, -cy)));
}

/**
 * Resamples `image` so that output position p shows the source at `inverse(p)`.
 * Bilinear interpolation; outputs are clamped to [0, 1].
 */
export function warpAffine(image: ImageView, inverse: Affine, fill: Fill): Float32Array {
  const { data, height: h, width: w, channels: ch } = image;
  const out = new Float32Array(data.length);
  const [a, b, c, d, e, f] = inverse;
  for (let oy = 0; oy < h; oy++) {
    const py = oy + 0.5;
    for (let ox = 0; ox < w; ox++) {
      const px = ox + 0.5;
      // Back to index space, where pixel centers are integers.
      const sx = a * px + b * py + c - 0.5;
      const sy = d * px + e * py + f - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const i00 = tap(x0, y0, w, h, fill);
      const i01 = tap(x0 + 1, y0, w, h, fill);
      const i10 = tap(x0, y0 + 1, w, h, fill);
      const i11 = tap(x0 + 1, y0 + 1, w, h, fill);
      const o = (oy * w + ox) * ch;
      for (let k = 0; k < ch; k++) {
        // A neighbor outside the image with fill 'zero' (index -1) contributes nothing.
        let v = 0;
        if (i00 >= 0 && w00 !== 0) v += w00 * (data[i00 * ch + k] as number);
        if (i01 >= 0 && w01 !== 0) v += w01 * (data[i01 * ch + k] as number);
        if (i10 >= 0 && w10 !== 0) v += w10 * (data[i10 * ch + k] as number);
        if (i11 >= 0 && w11 !== 0) v += w11 * (data[i11 * ch + k] as number);
        out[o + k] = clamp01(v);
      }
    }
  }
  return out;
}

/** Pixel index of (x, y), clamped to the border for 'edge', or -1 outside the image for 'zero'. */
function tap(x: number, y: number, w: number, h: number, fill: Fill): number {
  if (x >= 0 && x < w && y >= 0 && y < h) return y * w + x;
  if (fill === 'zero') return -1;
  const cx = x < 0 ? 0 : x >= w ? w - 1 : x;
  const cy = y < 0 ? 0 : y >= h ? h - 1 : y;
  return cy * w + cx;
}
