/**
 * The `export-model` job: write a model in the chosen format and, when asked, prove the written
 * files compute what the model computes. Its result is the CLI's JSON ({ out, format, verified,
 * maxAbsDiff }, see CLI.md) plus details. Shaped like the other long jobs: (input, { signal,
 * onProgress }), checking the signal between phases.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../media';
import type { ExportMetadata } from './metadata';
import { exportOnnx, type OnnxExportOptions } from './onnx-writer';
import { exportReadme, labelsText } from './readme';
import { exportTfjs, loadTfjsExport } from './tfjs-export';
import { randomSamples, verifyOnnx, VERIFY_MAX_ABS_DIFF } from './verify';

export type ExportFormat = 'onnx' | 'tfjs';

export interface ExportModelInput {
  model: tf.LayersModel;
  meta: ExportMetadata;
  format: ExportFormat;
  /**
   * ONNX: a path ending in .onnx writes that one file; any other path is a folder that gets
   * model.onnx, labels.txt and README.md. tfjs: always a folder.
   */
  out: string;
  verify?: boolean;
  /** Images (NHWC float32, model input space) to verify on; default: `sampleCount` seeded random images. */
  samples?: Float32Array;
  sampleCount?: number;
  onnx?: OnnxExportOptions;
  apprenticeVersion?: string;
}

export interface ExportModelResult {
  out: string;
  format: ExportFormat;
  /** False when verification was not asked for or failed. */
  verified: boolean;
  /** null when not verified. */
  maxAbsDiff: number | null;
  top1Agreement: number | null;
  files: string[];
}

export interface ExportJobContext {
  signal?: AbortSignal;
  onProgress?: (p: { phase: 'convert' | 'write' | 'verify' | 'done'; step: number; total: number }) => void;
}

const DEFAULT_SAMPLES = 32;

export async function exportModel(input: ExportModelInput, context: ExportJobContext = {}): Promise<ExportModelResult> {
  const { model, meta, format, out } = input;
  const version = input.apprenticeVersion ?? input.onnx?.apprenticeVersion;
  const progress = (phase: 'convert' | 'write' | 'verify' | 'done', step: number) => {
    context.signal?.throwIfAborted();
    context.onProgress?.({ phase, step, total: 3 });
  };
  const samples = () => {
    const n = input.samples ? Math.floor(input.samples.length / (meta.input.height * meta.input.width * meta.input.channels)) : (input.sampleCount ?? DEFAULT_SAMPLES);
    return { n, data: input.samples ?? randomSamples(n, meta.input, 1) };
  };

  if (format === 'tfjs') {
    progress('write', 0);
    const files = await exportTfjs(model, meta, out, version ? { apprenticeVersion: version } : {});
    if (!input.verify) return done({ out, format, verified: false, maxAbsDiff: null, top1Agreement: null, files });
    progress('verify', 2);
    const { n, data } = samples();
    const reloaded = await loadTfjsExport(out);
    try {
      const diff = tf.tidy(() => {
        const x = tf.tensor4d(data.subarray(0, n * meta.input.height * meta.input.width * meta.input.channels), [n, meta.input.height, meta.input.width, meta.input.channels]);
        const a = model.predict(x) as tf.Tensor;
        const b = reloaded.predict(x) as tf.Tensor;
        return { max: tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!, agree: tf.mean(tf.cast(tf.equal(tf.argMax(a, 1), tf.argMax(b, 1)), 'float32')).dataSync()[0]! };
      });
      return done({ out, format, verified: diff.max <= VERIFY_MAX_ABS_DIFF && diff.agree === 1, maxAbsDiff: diff.max, top1Agreement: diff.agree, files });
    } finally {
      reloaded.dispose();
    }
  }

  progress('convert', 0);
  const bytes = exportOnnx(model, meta, { ...input.onnx, ...(version ? { apprenticeVersion: version } : {}) });
  progress('write', 1);
  const single = out.toLowerCase().endsWith('.onnx');
  const onnxPath = single ? out : join(out, 'model.onnx');
  await writeFileAtomic(onnxPath, bytes);
  const files = [onnxPath];
  if (!single) {
    const readme = exportReadme(meta, { format: 'onnx', ...(input.onnx?.mean ? { mean: input.onnx.mean } : {}), ...(input.onnx?.std ? { std: input.onnx.std } : {}), baked: input.onnx?.bakedPreprocessing ?? false });
    await writeFileAtomic(join(out, 'labels.txt'), labelsText(meta.classes));
    await writeFileAtomic(join(out, 'README.md'), readme);
    files.push(join(out, 'labels.txt'), join(out, 'README.md'));
  }
  if (!input.verify) return done({ out, format, verified: false, maxAbsDiff: null, top1Agreement: null, files });
  progress('verify', 2);
  // Verify what is on disk, not the bytes in memory: that is what the user gets.
  const { n, data } = samples();
  const result = await verifyOnnx(new Uint8Array(await readFile(onnxPath)), model, data, n);
  return done({ out, format, verified: result.verified, maxAbsDiff: result.maxAbsDiff, top1Agreement: result.top1Agreement, files });

  function done(result: ExportModelResult): ExportModelResult {
    context.onProgress?.({ phase: 'done', step: 3, total: 3 });
    return result;
  }
}
