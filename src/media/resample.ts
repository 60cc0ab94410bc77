/**
 * Resampling of decoded 8-bit pixels with Pillow's semantics, so a model trained in PyTorch on
 * `torchvision.transforms.Resize` over PIL images sees the same bytes here as it did there
 * (sharp's default kernel gives other bytes, and a teacher's agreement with PyTorch drops by a
 * few percent on resized images).
 *
 * What Pillow's `Image.resize` does for 8-bit images (libImaging/Resample.c, Geometry.c), and so
 * what this does, written from that description:
 * - bilinear, area (PIL BOX), lanczos (a = 3): a separable convolution, horizontal pass first, then
 *   vertical, each pass rounding to uint8. Output pixel i of a pass is centred on input coordinate
 *   (i + 0.5) * scale (scale = in / out); the filter is stretched by max(1, scale), so shrinking
 *   antialiases (its support grows with the downscale factor) and enlarging interpolates. Taps run
 *   from trunc(centre - support + 0.5) to trunc(centre + support + 0.5), clipped to the image,
 *   each weighted filter((x - centre + 0.5) / filterscale), then normalised to sum 1. The weights
 *   are rounded to fixed point with 22 fractional bits (32 - 8 - 2), summed from a start of one
 *   half, and the sum shifted down and clipped to 0..255.
 * - nearest: output pixel i takes input pixel floor(x), x = (i + 0.5) * scale accumulated by
 *   repeated addition (as Pillow does: the sums, not a product, decide ties at exact halves).
 * - a side whose size does not change is not resampled at all.
 *
 * Pixels are interleaved (HWC) with any number of channels; each channel is resampled on its own.
 */

export type ResampleFilter = 'bilinear' | 'nearest' | 'area' | 'lanczos';

export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

/** Pillow's filters: the kernel and its support (half-width) at scale 1. */
const FILTERS: Record<Exclude<ResampleFilter, 'nearest'>, { support: number; at: (x: number) => number }> = {
  area: { support: 0.5, at: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, at: (x) => (x < 0 ? (-x < 1 ? 1 + x : 0) : x < 1 ? 1 - x : 0) },
  lanczos: { support: 3, at: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** The taps of one pass: per output pixel its first input index, tap count and fixed-point weights. */
interface Taps {
  first: Int32Array;
  count: Int32Array;
  /** `size` weights per output pixel (the unused ones are 0). */
  weights: Int32Array;
  size: number;
}

function taps(inSize: number, outSize: number, filter: (typeof FILTERS)[keyof typeof FILTERS]): Taps {
  const scale = inSize / outSize;
  const filterscale = Math.max(1, scale);
  const support = filter.support * filterscale;
  const size = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * size);
  const w = new Float64Array(size);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    // C's (int) cast truncates toward zero; a negative start is then clipped to 0 anyway.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) sum += w[x] = filter.at((x + xmin - center + 0.5) / filterscale);
    for (let x = 0; x < xmax; x++) {
      const v = sum !== 0 ? w[x]! / sum : w[x]!;
      // Round half away from zero, then truncate: Pillow's (int)(v * ONE +- 0.5).
      weights[i * size + x] = Math.trunc(v < 0 ? v * ONE - 0.5 : v * ONE + 0.5);
    }
    first[i] = xmin;
    count[i] = xmax;
  }
  return { first, count, weights, size };
}

/** A fixed-point sum back to a byte: floor(sum / 2^22), clipped. */
function clip8(sum: number): number {
  const v = Math.floor(sum / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function horizontal(src: RawPixels, outW: number, t: Taps): RawPixels {
  const { width: w, height: h, channels: c, data } = src;
  const out = new Uint8Array(outW * h * c);
  for (let y = 0; y < h; y++) {
    const row = y * w * c;
    for (let i = 0; i < outW; i++) {
      const x0 = t.first[i]!;
      const n = t.count[i]!;
      const k = i * t.size;
      for (let ch = 0; ch < c; ch++) {
        let sum = ONE / 2;
        for (let x = 0; x < n; x++) sum += data[row + (x0 + x) * c + ch]! * t.weights[k + x]!;
        out[(y * outW + i) * c + ch] = clip8(sum);
      }
    }
  }
  return { data: out, width: outW, height: h, channels: c };
}

function vertical(src: RawPixels, outH: number, t: Taps): RawPixels {
  const { width: w, channels: c, data } = src;
  const stride = w * c;
  const out = new Uint8Array(outH * stride);
  for (let j = 0; j < outH; j++) {
    const y0 = t.first[j]!;
    const n = t.count[j]!;
    const k = j * t.size;
    for (let p = 0; p < stride; p++) {
      let sum = ONE / 2;
      for (let y = 0; y < n; y++) sum += data[(y0 + y) * stride + p]! * t.weights[k + y]!;
      out[j * stride + p] = clip8(sum);
    }
  }
  return { data: out, width: w, height: outH, channels: c };
}

/** Pillow's NEAREST: the input index of each output pixel, by accumulated (i + 0.5) * scale. */
function nearestIndex(inSize: number, outSize: number): Int32Array {
  const scale = inSize / outSize;
  const index = new Int32Array(outSize);
  let x = scale * 0.5;
  for (let i = 0; i < outSize; i++) {
    index[i] = Math.min(inSize - 1, Math.max(0, Math.trunc(x)));
    x += scale;
  }
  return index;
}

function nearest(src: RawPixels, outW: number, outH: number): RawPixels {
  const { width: w, channels: c, data } = src;
  const xs = nearestIndex(w, outW);
  const ys = nearestIndex(src.height, outH);
  const out = new Uint8Array(outW * outH * c);
  for (let j = 0; j < outH; j++)
    for (let i = 0; i < outW; i++) {
      const from = (ys[j]! * w + xs[i]!) * c;
      for (let ch = 0; ch < c; ch++) out[(j * outW + i) * c + ch] = data[from + ch]!;
    }
  return { data: out, width: outW, height: outH, channels: c };
}

/** `src` resized to `width` x `height` as Pillow's `Image.resize(size, filter)` would (see above). */
export function resample(src: RawPixels, width: number, height: number, filter: ResampleFilter): RawPixels {
  if (!(width >= 1 && height >= 1 && Number.isInteger(width) && Number.isInteger(height))) throw new RangeError(`cannot resample to ${width}x${height}`);
  if (src.data.length !== src.width * src.height * src.channels) throw new RangeError(`${src.data.length} bytes are not a ${src.width}x${src.height}x${src.channels} image`);
  if (width === src.width && height === src.height) return { ...src, data: src.data.slice() };
  if (filter === 'nearest') return nearest(src, width, height);
  const f = FILTERS[filter];
  let img = src;
  if (width !== src.width) img = horizontal(img, width, taps(src.width, width, f));
  if (height !== src.height) img = vertical(img, height, taps(src.height, height, f));
  return img;
}
