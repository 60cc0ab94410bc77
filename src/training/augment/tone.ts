/**
 * Tone operations used by RandAugment (same meaning as PIL's ImageOps). They work on the 8-bit
 * levels a photo had (v * 255), per channel.
 */
import type { ImageView } from './batch.js';

const LEVELS = 256;

function level(v: number): number {
  const q = Math.round(v * 255);
  return q < 0 ? 0 : q > 255 ? 255 : q;
}

/** Inverts values strictly above `threshold` (in [0, 1]); threshold 1 leaves the image as is. */
export function solarize(image: ImageView, threshold: number): Float32Array {
  const { data } = image;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    out[i] = v > threshold ? 1 - v : v;
  }
  return out;
}

/** Keeps the top `bits` (1..8) bits of each 8-bit level. */
export function posterize(image: ImageView, bits: number): Float32Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new RangeError(`posterize bits must be 1..8, got ${bits}`);
  const mask = (0xff << (8 - bits)) & 0xff;
  const { data } = image;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (level(data[i] as number) & mask) / 255;
  return out;
}

/** Stretches each channel so its darkest value becomes 0 and its brightest 1 (flat channels untouched). */
export function autocontrast(image: ImageView): Float32Array {
  const { data, channels: ch } = image;
  const out = new Float32Array(data);
  for (let k = 0; k < ch; k++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = k; i < data.length; i += ch) {
      const v = data[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) continue;
    const scale = 1 / (hi - lo);
    for (let i = k; i < data.length; i += ch) out[i] = ((data[i] as number) - lo) * scale;
  }
  return out;
}

/**
 * Histogram equalization per channel, PIL's algorithm: levels are remapped so the cumulative
 * histogram becomes (close to) linear. A channel with a single level is left untouched.
 */
export function equalize(image: ImageView): Float32Array {
  const { data, channels: ch } = image;
  const out = new Float32Array(data);
  const hist = new Float64Array(LEVELS);
  const lut = new Float32Array(LEVELS);
  for (let k = 0; k < ch; k++) {
    hist.fill(0);
    for (let i = k; i < data.length; i += ch) hist[level(data[i] as number)]! += 1;
    let last = -1;
    let nonZero = 0;
    let total = 0;
    for (let l = 0; l < LEVELS; l++) {
      const c = hist[l] as number;
      if (c > 0) {
        last = l;
        nonZero++;
        total += c;
      }
    }
    if (nonZero <= 1) continue;
    const step = Math.floor((total - (hist[last] as number)) / 255);
    if (step === 0) continue;
    let acc = Math.floor(step / 2);
    for (let l = 0; l < LEVELS; l++) {
      lut[l] = Math.min(255, Math.floor(acc / step)) / 255;
      acc += hist[l] as number;
    }
    for (let i = k; i < data.length; i += ch) out[i] = lut[level(data[i] as number)] as number;
  }
  return out;
}
