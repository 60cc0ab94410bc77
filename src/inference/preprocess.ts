/**
 * How a decoded image becomes a model's input pixels, the geometry part: the resize method, the
 * crop and the letterbox of a teacher's preprocessing spec, and where the image then lies in the
 * input (so a detector's boxes map back to the image exactly).
 *
 * - resize: 'bilinear' (the default), 'nearest', 'area', 'lanczos' resample as Pillow does
 *   (src/media/resample.ts), which is what torchvision's `Resize` on PIL images does; 'sharp' is
 *   sharp's own resize, the one Apprentice's training pipeline uses (src/media/pixels.ts), recorded
 *   as such in the students it exports.
 * - crop 'center': torchvision's `Resize(s)` + `CenterCrop((h, w))`: the shorter side is resized
 *   to s (the other to int(s * long / short)), s the least that covers the input, then the middle
 *   is cut out, its offset rounded as Python's round() does (half to even).
 * - letterbox: Ultralytics' LetterBox: scaled to fit keeping the aspect ratio (the new size rounded
 *   as Python does), padded with grey 114 around, the padding split as int(round(d/2 -+ 0.1)).
 *   (Ultralytics itself scales with OpenCV's INTER_LINEAR, which agrees with Pillow's bilinear when
 *   enlarging up to rounding, but does not antialias when shrinking.)
 * Otherwise the image is stretched to the input size, as before.
 */
import { resample, type RawPixels, type ResampleFilter } from '../media/resample';

export const RESIZE_METHODS = ['bilinear', 'nearest', 'area', 'lanczos', 'sharp'] as const;
export type ResizeMethod = (typeof RESIZE_METHODS)[number];
export const CROP_MODES = ['none', 'center'] as const;
export type CropMode = (typeof CROP_MODES)[number];

export const DEFAULT_RESIZE: ResizeMethod = 'bilinear';
/** The grey Ultralytics pads letterboxed images with. */
export const LETTERBOX_GREY = 114;

/** The geometry part of a preprocessing spec, defaults filled in. */
export interface Geometry {
  resize: ResizeMethod;
  crop: CropMode;
  letterbox: boolean;
}

/**
 * Where the whole image lies in the model's input, in input pixels: image coordinate u in [0, 1]
 * is input coordinate left + u * width. Stretched: the input itself; letterboxed: inside the
 * padding; centre-cropped: larger than the input, sticking out on both sides.
 */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The geometry of a spec, defaults filled in. A spec stored before these keys existed gets the
 * defaults too (bilinear, stretched): the documented default for a teacher that does not say.
 */
export function geometryOf(spec: { resize?: ResizeMethod; crop?: CropMode; letterbox?: boolean }): Geometry {
  return { resize: spec.resize ?? DEFAULT_RESIZE, crop: spec.crop ?? 'none', letterbox: spec.letterbox ?? false };
}

/** Python's round(): to the nearest integer, halves to the even one. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // + 0 turns -0 (Math.round(-0.1)) into 0, which offsets compare and print as.
  return (Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r) + 0;
}

/** The plan for an image of `w` x `h` into an input of `inW` x `inH`: resize to, then place at. */
export interface Placement {
  /** The size the image is resampled to. */
  width: number;
  height: number;
  /** Where its top-left corner lands in the input (negative: cropped off). */
  left: number;
  top: number;
}

export function placement(w: number, h: number, inW: number, inH: number, g: Pick<Geometry, 'crop' | 'letterbox'>): Placement {
  if (g.letterbox) {
    const r = Math.min(inH / h, inW / w);
    const width = roundHalfEven(w * r);
    const height = roundHalfEven(h * r);
    return { width, height, left: roundHalfEven((inW - width) / 2 - 0.1), top: roundHalfEven((inH - height) / 2 - 0.1) };
  }
  if (g.crop === 'center') {
    // torchvision Resize(s): the shorter side becomes s, the longer int(s * long / short).
    const sized = (s: number) => (w <= h ? { width: s, height: Math.trunc((s * h) / w) } : { width: Math.trunc((s * w) / h), height: s });
    // The least s that covers the input: at least the input's side along the image's shorter one.
    let s = w <= h ? inW : inH;
    while (sized(s).width < inW || sized(s).height < inH) s++;
    const size = sized(s);
    return { ...size, left: 0 - roundHalfEven((size.width - inW) / 2), top: 0 - roundHalfEven((size.height - inH) / 2) };
  }
  return { width: inW, height: inH, left: 0, top: 0 };
}

/** Pillow's RGB -> L: ITU-R 601-2 luma in 16-bit fixed point (what `convert('L')` gives). */
export function toGray(src: RawPixels): RawPixels {
  if (src.channels === 1) return src;
  const n = src.width * src.height;
  const out = new Uint8Array(n);
  const d = src.data;
  for (let i = 0; i < n; i++) out[i] = (d[i * 3]! * 19595 + d[i * 3 + 1]! * 38470 + d[i * 3 + 2]! * 7471 + 0x8000) >> 16;
  return { data: out, width: src.width, height: src.height, channels: 1 };
}

/**
 * Decoded pixels (gray or RGB, upright) to the model's input (HWC uint8, `channels` of them), as
 * the geometry says, with the frame the image lies in. Gray sources are resampled, then copied to
 * three channels (PIL's convert('RGB')); colour sources asked for gray are converted first.
 */
export function toModelInput(src: RawPixels, inW: number, inH: number, channels: 1 | 3, g: Geometry): { pixels: Uint8Array; frame: Frame } {
  if (g.resize === 'sharp') throw new Error("resize 'sharp' is sharp's own pipeline, not a resample of decoded pixels");
  const filter: ResampleFilter = g.resize;
  const base = channels === 1 ? toGray(src) : src;
  const p = placement(base.width, base.height, inW, inH, g);
  const sized = resample(base, p.width, p.height, filter);
  const c = sized.channels;
  const out = new Uint8Array(inW * inH * channels).fill(g.letterbox ? LETTERBOX_GREY : 0);
  for (let y = Math.max(0, p.top); y < Math.min(inH, p.top + p.height); y++)
    for (let x = Math.max(0, p.left); x < Math.min(inW, p.left + p.width); x++) {
      const from = ((y - p.top) * p.width + (x - p.left)) * c;
      const to = (y * inW + x) * channels;
      for (let ch = 0; ch < channels; ch++) out[to + ch] = sized.data[from + Math.min(ch, c - 1)]!;
    }
  return { pixels: out, frame: { left: p.left, top: p.top, width: p.width, height: p.height } };
}

/** The frame of a stretched image: the whole input. */
export function stretchedFrame(inW: number, inH: number): Frame {
  return { left: 0, top: 0, width: inW, height: inH };
}
