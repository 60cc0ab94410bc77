import { AppError } from '../api/errors';
import type { OnnxInputSpec } from './onnx-spec';
import { OnnxImageModel, type BatchOptions, type ImageRow } from './onnx-image-model';

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
export class OnnxClassifier extends OnnxImageModel {
  /**
   * 'classifier': the output must be a class vector per image. 'features': any per-image vector
   * or feature map (a backbone), which featureRows pools to a vector.
   */
  static async load(file: string, spec: OnnxInputSpec, mode: 'classifier' | 'features' = 'classifier'): Promise<OnnxClassifier> {
    const { ort, session, outputName } = await OnnxImageModel.openSession(file);
    const classifier = new OnnxClassifier(ort, session, spec, outputName);
    try {
      if (mode === 'classifier') await classifier.checkOutput();
      else await classifier.checkFeatures();
    } catch (err) {
      await classifier.release();
      throw err;
    }
    return classifier;
  }

  /** How many classes the model outputs (known after load). */
  classCount = 0;
  /** Features mode: the length of the (pooled) feature vector, and where its channels are. */
  featureDim = 0;
  private featureAxis: 1 | 3 | null = null;

  private async checkFeatures(): Promise<void> {
    const dims = await this.probe();
    if (dims.length === 2) this.featureDim = dims[1]!;
    else if (dims.length === 4) {
      // A feature map: channels on the same side as the input's (NCHW models output NCHW).
      this.featureAxis = this.spec.layout === 'nchw' ? 1 : 3;
      this.featureDim = dims[this.featureAxis]!;
    } else {
      throw new AppError('INVALID_INPUT', `The backbone's output "${this.outputName}" has shape [${dims.join(', ')}]: neither a feature vector nor a feature map.`);
    }
  }

  /** Backbone features of a project's images: the output vector, or the feature map averaged over its spatial positions. */
  async featureRows(projectDir: string, rows: ImageRow[], opts: BatchOptions = {}): Promise<Float32Array> {
    const d = this.featureDim;
    const out = new Float32Array(rows.length * d);
    await this.eachBatch(projectDir, rows, opts, async (values, n, start) => {
      const { data, dims } = await this.run(values, n);
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
    const dims = await this.probe();
    if (dims.length !== 2 || dims[0] !== (this.spec.batch ?? 1)) {
      throw new AppError('INVALID_INPUT', `The model's output "${this.outputName}" has shape [${dims.join(', ')}]: not a class vector per image.`);
    }
    this.classCount = dims[1]!;
    if (this.spec.classes && this.spec.classes.length !== dims[1]) {
      throw new AppError('INVALID_INPUT', `The model outputs ${dims[1]} classes but ${this.spec.classes.length} class names were given.`);
    }
  }

  /**
   * Class probabilities of a project's images, in batches. The next batches decode (on the
   * decode thread, and sharp's) while the current one runs in onnxruntime, and decoded pixels
   * are cached per input size, so a second teacher or a second round reads them instead of
   * decoding again.
   */
  async predictRows(projectDir: string, rows: ImageRow[], opts: BatchOptions = {}): Promise<{ probs: Float32Array; k: number }> {
    let out: Float32Array | null = null;
    let k = 0;
    await this.eachBatch(projectDir, rows, opts, async (values, n, start) => {
      const { data, dims } = await this.run(values, n);
      k = dims[1]!;
      out ??= new Float32Array(rows.length * k);
      out.set(toProbabilities(data.subarray(0, n * k), n, k), start * k);
    });
    return { probs: out ?? new Float32Array(0), k };
  }
}
