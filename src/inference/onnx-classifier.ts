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

  /**
   * 'classifier': the output must be a class vector per image. 'features': any per-image vector
   * or feature map (a backbone), which featureRows pools to a vector.
   */
  static async load(file: string, spec: OnnxInputSpec, mode: 'classifier' | 'features' = 'classifier'): Promise<OnnxClassifier> {
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
    if (mode === 'classifier') await classifier.checkOutput();
    else await classifier.checkFeatures();
    return classifier;
  }

  /** How many classes the model outputs (known after load). */
  classCount = 0;
  /** Features mode: the length of the (pooled) feature vector, and where its channels are. */
  featureDim = 0;
  private featureAxis: 1 | 3 | null = null;

  private async checkFeatures(): Promise<void> {
    const out = await this.run(new Uint8Array(this.spec.height * this.spec.width * this.spec.channels), 1);
    if (out.dims.length === 2) this.featureDim = out.dims[1]!;
    else if (out.dims.length === 4) {
      // A feature map: channels on the same side as the input's (NCHW models output NCHW).
      this.featureAxis = this.spec.layout === 'nchw' ? 1 : 3;
      this.featureDim = out.dims[this.featureAxis]!;
    } else {
      throw new AppError('INVALID_INPUT', `The backbone's output "${this.outputName}" has shape [${out.dims.join(', ')}]: neither a feature vector nor a feature map.`);
    }
  }

  /** Backbone features of a project's images: the output vector, or the feature map averaged over its spatial positions. */
  async featureRows(projectDir: string, rows: { media_path: string; sha256: string }[], opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<Float32Array> {
    const d = this.featureDim;
    const out = new Float32Array(rows.length * d);
    await this.eachBatch(projectDir, rows, opts, async (pixels, n, start) => {
      const { data, dims } = await this.run(pixels, n);
      if (this.featureAxis === null) {
        out.set(data.subarray(0, n * d), start * d);
        return;
      }
      const [, a, b, c] = dims as [number, number, number, number];
      const spatial = this.featureAxis === 1 ? b * c : a * b;
      for (let i = 0; i < n; i++)
        for (let ch = 0; ch < d; ch++) {
          let sum = 0;
          for (let p = 0; p < spatial; p++) sum += this.featureAxis === 1 ? data[(i * d + ch) * spatial + p]! : data[(i * spatial + p) * d + ch]!;
          out[(start + i) * d + ch] = sum / spatial;
        }
    });
    return out;
  }

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
    let out: Float32Array | null = null;
    let k = 0;
    await this.eachBatch(projectDir, rows, opts, async (pixels, n, start) => {
      const { data, dims } = await this.run(pixels, n);
      k = dims[1]!;
      out ??= new Float32Array(rows.length * k);
      out.set(toProbabilities(data, n, k), start * k);
    });
    return { probs: out ?? new Float32Array(0), k };
  }

  /** Decoded batches of rows: the next batch decodes (on sharp's threads) while `fn` runs the current one. */
  private async eachBatch(
    projectDir: string,
    rows: { media_path: string; sha256: string }[],
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
    fn: (pixels: Uint8Array, n: number, start: number) => Promise<void>,
  ): Promise<void> {
    const size = this.spec.height * this.spec.width * this.spec.channels;
    const decodeBatch = async (start: number): Promise<Uint8Array> => {
      const chunk = rows.slice(start, start + BATCH);
      const pixels = new Uint8Array(chunk.length * size);
      (await Promise.all(chunk.map((r) => this.pixels(projectDir, r)))).forEach((px, i) => pixels.set(px, i * size));
      return pixels;
    };
    let next = rows.length ? decodeBatch(0) : null;
    for (let start = 0; start < rows.length; start += BATCH) {
      opts.signal?.throwIfAborted();
      const pixels = await next!;
      next = start + BATCH < rows.length ? decodeBatch(start + BATCH) : null;
      await fn(pixels, Math.min(BATCH, rows.length - start), start);
      opts.onProgress?.(Math.min(rows.length, start + BATCH), rows.length);
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
