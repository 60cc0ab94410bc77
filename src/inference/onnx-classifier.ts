import { imagePixels } from '../media';
import type * as Ort from 'onnxruntime-node';
import { AppError } from '../api/errors';
import type { OnnxInputSpec } from './onnx-spec';

const BATCH = 64;

/** Softmax of each row, unless the rows already are probabilities. */
function toProbabilities(values: Float32Array, n: number, k: number): Float32Array {
  let looksLikeProbs = true;
  for (let i = 0; i < n && looksLikeProbs; i++) {
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const v = values[i * k + c]!;
      if (v < 0 || v > 1) looksLikeProbs = false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) looksLikeProbs = false;
  }
  if (looksLikeProbs) return values;
  const out = new Float32Array(values.length);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, values[i * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(values[i * k + c]! - max);
    for (let c = 0; c < k; c++) out[i * k + c]! /= sum;
  }
  return out;
}

/**
 * An ONNX image classifier run by onnxruntime-node: images are decoded and preprocessed as its
 * spec says (size, gray/RGB, NCHW/NHWC, scale, mean/std), fed in batches, and its outputs turned
 * into class probabilities. Custom-op libraries are never loaded: a model is data, not code.
 */
export class OnnxClassifier {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    readonly spec: OnnxInputSpec,
    private readonly outputName: string,
  ) {}

  static async load(file: string, spec: OnnxInputSpec): Promise<OnnxClassifier> {
    // Loaded on first use, so importing this module costs nothing on threads that never infer.
    const ort = await import('onnxruntime-node');
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(file, { graphOptimizationLevel: 'all', intraOpNumThreads: 2 });
    } catch (err) {
      const msg = (err as Error).message;
      const op = /op(?:erator)?[^\w]*['"]?(\w+)['"]? .*(?:not|un)(?:supported|implemented|registered)/i.exec(msg)?.[1];
      throw new AppError('INVALID_INPUT', op ? `${file} uses an operator onnxruntime cannot run (${op}).` : `${file} cannot be loaded by onnxruntime: ${msg.split('\n')[0]}`);
    }
    const outputName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]!;
    const classifier = new OnnxClassifier(ort, session, spec, outputName);
    await classifier.checkOutput();
    return classifier;
  }

  /** How many classes the model outputs (known after load). */
  classCount = 0;

  /** One blank image through the model: the output must be a class vector per image. */
  private async checkOutput(): Promise<void> {
    const out = await this.run(new Uint8Array(this.spec.height * this.spec.width * this.spec.channels), 1);
    if (out.dims.length !== 2 || out.dims[0] !== 1) {
      throw new AppError('INVALID_INPUT', `The model's output "${this.outputName}" has shape [${out.dims.join(', ')}]: not a class vector per image (detection outputs are not supported here).`);
    }
    this.classCount = out.dims[1]!;
    if (this.spec.classes && this.spec.classes.length !== out.dims[1]) {
      throw new AppError('INVALID_INPUT', `The model outputs ${out.dims[1]} classes but ${this.spec.classes.length} class names were given.`);
    }
  }

  private async run(pixels: Uint8Array, n: number): Promise<{ data: Float32Array; dims: readonly number[] }> {
    const { height: h, width: w, channels: c, layout } = this.spec;
    const shape = layout === 'nchw' ? [n, c, h, w] : [n, h, w, c];
    const ort = this.ort;
    let tensor: Ort.Tensor;
    if (this.spec.uint8) {
      tensor = new ort.Tensor('uint8', pixels, shape);
    } else {
      const data = new Float32Array(n * h * w * c);
      const { scale, mean, std } = this.spec;
      for (let i = 0; i < n; i++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++)
            for (let ch = 0; ch < c; ch++) {
              const v = (pixels[((i * h + y) * w + x) * c + ch]! * scale - mean[ch]!) / std[ch]!;
              data[layout === 'nchw' ? ((i * c + ch) * h + y) * w + x : ((i * h + y) * w + x) * c + ch] = v;
            }
      tensor = new ort.Tensor('float32', data, shape);
    }
    const result = await this.session.run({ [this.spec.inputName]: tensor });
    const out = result[this.outputName]!;
    return { data: out.data as Float32Array, dims: out.dims };
  }

  /** Pixels (HWC uint8 at the spec size) of an image of a project, from the pixel cache when it is there. */
  private pixels(projectDir: string, row: { media_path: string; sha256: string }): Promise<Uint8Array> {
    const { width, height, channels } = this.spec;
    return imagePixels(projectDir, row.media_path, row.sha256, { width, height, channels });
  }

  /**
   * Class probabilities of a project's images, in batches. The next batch decodes (on sharp's
   * threads) while the current one runs in onnxruntime, and decoded pixels are cached per input
   * size, so a second teacher or a second round reads them instead of decoding again.
   */
  async predictRows(
    projectDir: string,
    rows: { media_path: string; sha256: string }[],
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<{ probs: Float32Array; k: number }> {
    const size = this.spec.height * this.spec.width * this.spec.channels;
    const decodeBatch = async (start: number): Promise<Uint8Array> => {
      const chunk = rows.slice(start, start + BATCH);
      const pixels = new Uint8Array(chunk.length * size);
      (await Promise.all(chunk.map((r) => this.pixels(projectDir, r)))).forEach((px, i) => pixels.set(px, i * size));
      return pixels;
    };
    let out: Float32Array | null = null;
    let k = 0;
    let next = rows.length ? decodeBatch(0) : null;
    for (let start = 0; start < rows.length; start += BATCH) {
      opts.signal?.throwIfAborted();
      const pixels = await next!;
      next = start + BATCH < rows.length ? decodeBatch(start + BATCH) : null;
      const n = Math.min(BATCH, rows.length - start);
      const { data, dims } = await this.run(pixels, n);
      k = dims[1]!;
      out ??= new Float32Array(rows.length * k);
      out.set(toProbabilities(data, n, k), start * k);
      opts.onProgress?.(Math.min(rows.length, start + BATCH), rows.length);
    }
    return { probs: out ?? new Float32Array(0), k };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
