/**
 * Proof that an exported ONNX file computes what the tfjs model computes: run both on the same
 * inputs (onnxruntime-node for the file, the active tfjs backend for the model) and compare.
 */
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { readOnnxMetadata, type OnnxFileInfo } from './metadata';
import { ONNX_NAMES } from './onnx-writer';

/**
 * The largest |logit difference| we accept. float32 kernels in two runtimes differ in summation
 * order, which costs ~1e-6 relative on these model sizes; a wrong layout, padding or fold costs
 * far more (typically > 1e-2), so 1e-4 separates the two with room on both sides.
 */
export const VERIFY_MAX_ABS_DIFF = 1e-4;
/** Every sample must get the same top-1 class from both. */
export const VERIFY_TOP1_AGREEMENT = 1;
/** Samples per onnxruntime/tfjs call, to keep memory flat for large sample sets. */
const CHUNK = 64;

export interface VerifyResult {
  /** Largest absolute difference over logits and probabilities (Infinity if either is not finite). */
  maxAbsDiff: number;
  /** Fraction of samples whose top-1 class agrees, 0..1. */
  top1Agreement: number;
  verified: boolean;
  samples: number;
}

/**
 * `samples`: n images, NHWC float32, in the model's input space (what the tfjs model is fed). For
 * a baked-preprocessing file they are turned into the uint8 pixels that produce them, and the tfjs
 * model is fed the same pixels after the same preprocessing, so both see identical inputs.
 */
export async function verifyOnnx(bytes: Uint8Array, model: tf.LayersModel, samples: Float32Array, n: number): Promise<VerifyResult> {
  const [, h, w, c] = model.inputs[0]!.shape as number[];
  const size = h! * w! * c!;
  if (n <= 0 || samples.length < n * size) throw new Error(`verifyOnnx needs ${n} samples of ${h}x${w}x${c} (got ${samples.length} values)`);
  const info = readOnnxMetadata(bytes);
  const multiLabel = info.props.multi_label === 'true';
  const session = await ort.InferenceSession.create(bytes);
  let maxAbsDiff = 0;
  let agree = 0;
  try {
    for (let start = 0; start < n; start += CHUNK) {
      const count = Math.min(CHUNK, n - start);
      const chunk = samples.subarray(start * size, (start + count) * size);
      const dims = [count, h!, w!, c!];
      const { feed, tfjsInput } = inputsFor(info, chunk, c!);
      const results = await session.run({ [info.inputName]: new ort.Tensor(info.inputType === 'uint8' ? 'uint8' : 'float32', feed, dims) });
      const [refLogits, refProbs] = tf.tidy(() => {
        const logits = model.predict(tf.tensor4d(tfjsInput, dims as [number, number, number, number])) as tf.Tensor;
        // A multi-label file's probabilities are sigmoids (metadata multi_label), else a softmax.
        return [logits.dataSync() as Float32Array, (multiLabel ? tf.sigmoid(logits) : tf.softmax(logits)).dataSync() as Float32Array];
      });
      const logits = outputData(results, ONNX_NAMES.logits, session.outputNames[0]!);
      maxAbsDiff = Math.max(maxAbsDiff, maxDiff(logits, refLogits!));
      if (results[ONNX_NAMES.probabilities]) maxAbsDiff = Math.max(maxAbsDiff, maxDiff(outputData(results, ONNX_NAMES.probabilities), refProbs!));
      const classes = refLogits!.length / count;
      for (let i = 0; i < count; i++) {
        if (argmax(logits, i * classes, classes) === argmax(refLogits!, i * classes, classes)) agree++;
      }
    }
  } finally {
    await session.release();
  }
  const top1Agreement = agree / n;
  return { maxAbsDiff, top1Agreement, verified: maxAbsDiff <= VERIFY_MAX_ABS_DIFF && top1Agreement >= VERIFY_TOP1_AGREEMENT, samples: n };
}

/** What to feed the ONNX file and the tfjs model for the same images. */
function inputsFor(info: OnnxFileInfo, samples: Float32Array, channels: number): { feed: Float32Array | Uint8Array; tfjsInput: Float32Array } {
  if (info.inputType !== 'uint8') return { feed: samples, tfjsInput: samples };
  const f = Math.fround;
  const scale = f(Number(info.props.baked_scale ?? 1 / 255));
  const mean = info.props.baked_mean ? (JSON.parse(info.props.baked_mean) as number[]).map(f) : null;
  const std = info.props.baked_std ? (JSON.parse(info.props.baked_std) as number[]).map(f) : null;
  const pixels = new Uint8Array(samples.length);
  const tfjsInput = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const ch = i % channels;
    // Invert the preprocessing to find the pixel, then redo it exactly as the graph does (float32).
    const raw = (samples[i]! * (std ? std[ch]! : 1) + (mean ? mean[ch]! : 0)) / scale;
    const p = Math.min(255, Math.max(0, Math.round(raw)));
    pixels[i] = p;
    let x = f(p * scale);
    if (mean) x = f(x - mean[ch]!);
    if (std) x = f(x / std[ch]!);
    tfjsInput[i] = x;
  }
  return { feed: pixels, tfjsInput };
}

function outputData(results: ort.InferenceSession.OnnxValueMapType, name: string, fallback?: string): Float32Array {
  const value = results[name] ?? (fallback ? results[fallback] : undefined);
  if (!value) throw new Error(`the ONNX file has no output '${name}'`);
  return value.data as Float32Array;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`output sizes differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}

/** Deterministic pseudo-random images in [0, 1) for a verification run (mulberry32). */
export function randomSamples(n: number, shape: { height: number; width: number; channels: number }, seed = 1): Float32Array {
  const out = new Float32Array(n * shape.height * shape.width * shape.channels);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return out;
}
