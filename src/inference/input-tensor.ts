/**
 * Decoded pixels (HWC uint8 at the input size, one image after another) as the values of a
 * model's input tensor: v = (p * scale - mean) / std per channel, in NHWC or NCHW order, or the
 * bytes themselves for a model that takes uint8. Shared by the inference thread and the decode
 * thread (which does it ahead, off inference's path), so both give the same values.
 */
import type { OnnxInputSpec } from './onnx-spec';

export type TensorSpec = Pick<OnnxInputSpec, 'height' | 'width' | 'channels' | 'layout' | 'scale' | 'mean' | 'std' | 'uint8' | 'batch'>;

/**
 * The input values of `n` images. A model with a fixed batch size gets the batch filled up
 * with blank (all-zero) images; only the first `n` results mean anything.
 */
export function tensorValues(pixels: Uint8Array, n: number, spec: TensorSpec): Float32Array | Uint8Array {
  const { height: h, width: w, channels: c, layout } = spec;
  const size = h * w * c;
  const m = Math.max(spec.batch ?? n, n);
  if (m > n || pixels.length > m * size) {
    const padded = new Uint8Array(m * size);
    padded.set(pixels.subarray(0, n * size));
    pixels = padded;
  }
  if (spec.uint8) return pixels;
  const data = new Float32Array(m * size);
  const { scale, mean, std } = spec;
  // v = (p * scale - mean) / std, as one multiply-add per value with per-channel constants.
  const a = Array.from({ length: c }, (_, ch) => scale / std[ch]!);
  const b = Array.from({ length: c }, (_, ch) => -mean[ch]! / std[ch]!);
  if (layout === 'nhwc') {
    for (let j = 0; j < m * size; j++) data[j] = pixels[j]! * a[j % c]! + b[j % c]!;
  } else {
    const plane = h * w;
    for (let i = 0; i < m; i++)
      for (let ch = 0; ch < c; ch++) {
        const out = (i * c + ch) * plane;
        const at = i * size + ch;
        for (let p = 0; p < plane; p++) data[out + p] = pixels[at + p * c]! * a[ch]! + b[ch]!;
      }
  }
  return data;
}
