import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { AppError } from '../../api/errors';
import { composeOnnxBackboneWithHead, exportModel, VERIFY_MAX_ABS_DIFF, type ExportFormat, type ExportModelResult } from '../../export';
import { writeFileAtomic } from '../../media';
import { randomImageFiles } from '../../store';
import { OnnxClassifier, type OnnxInputSpec } from '../../inference/onnx';
import { BACKBONE_FILE, BACKBONE_SPEC, hasOnnxBackbone, predictWithOnnxBackbone } from './onnx-backbone-model';
import { selectTrainingBackend } from '../backend';
import { decodeImages } from '../../media';
import type { InputSpec } from '../data/input-spec';
import { loadModelFiles } from '../model-files';
import { resolveModelDir } from './predict-model';
import { isProjectDetectorDir } from '../detect/files';
import { exportProjectDetector } from './export-detector';

/** Verification runs on this many of the project's own images (and random ones when it has fewer). */
const SAMPLE_IMAGES = 64;

/**
 * Export a model of the project (ONNX or tfjs) and, when asked, verify the written file against
 * the model on a sample of the project's real images.
 */
export async function exportProjectModel(
  db: Database.Database,
  projectDir: string,
  args: { model: string; format: ExportFormat; out: string; verify: boolean; baked: boolean; apprenticeVersion: string },
  opts: { signal?: AbortSignal; onProgress?: (phase: string, step: number, total: number) => void },
): Promise<ExportModelResult> {
  await selectTrainingBackend();
  const dir = resolveModelDir(db, projectDir, args.model);
  if (hasOnnxBackbone(dir)) return exportOnnxBackboneModel(db, projectDir, dir, args);
  // A box student: ONNX in the YOLOv5 output layout, verified on the project's images (./export-detector).
  if (isProjectDetectorDir(dir)) return exportProjectDetector(db, projectDir, dir, args, opts);
  const { model, metadata } = await loadModelFiles(dir);
  try {
    const shape = model.inputs[0]!.shape;
    const input: InputSpec = metadata?.input ?? { height: shape[1]!, width: shape[2]!, channels: shape[3] === 1 ? 1 : 3 };
    const rows = randomImageFiles(db, SAMPLE_IMAGES);
    const samples = rows.length ? await decodeImages(projectDir, rows, input, opts.signal ? { signal: opts.signal } : {}) : undefined;
    return await exportModel(
      {
        model,
        meta: {
          id: metadata?.id ?? args.model,
          classes: metadata?.classes ?? Array.from({ length: model.outputs[0]!.shape[1]! }, (_, i) => `class_${i}`),
          input: { ...input, scale: 1 / 255, layout: 'nhwc' },
          ...(metadata?.arch ? { arch: metadata.arch } : {}),
          ...(metadata?.createdAt ? { createdAt: metadata.createdAt } : {}),
          ...(metadata?.trainingRunId ? { trainingRunId: metadata.trainingRunId } : {}),
          // A multi-label model's graph ends in a Sigmoid per class, and its metadata says multi_label.
          ...(metadata?.multiLabel ? { multiLabel: true } : {}),
        },
        format: args.format,
        out: args.out,
        verify: args.verify,
        ...(samples ? { samples } : {}),
        onnx: { bakedPreprocessing: args.baked, apprenticeVersion: args.apprenticeVersion },
        apprenticeVersion: args.apprenticeVersion,
      },
      { ...(opts.signal ? { signal: opts.signal } : {}), onProgress: (p) => opts.onProgress?.(p.phase, p.step, p.total) },
    );
  } finally {
    model.dispose();
  }
}

/**
 * A head trained on an ONNX backbone: one ONNX file of both (the backbone's graph, then the head),
 * verified against the two-step pipeline (backbone in onnxruntime, head in tfjs) on the project's
 * own images. tfjs export is not possible: the backbone only exists as ONNX.
 */
async function exportOnnxBackboneModel(
  db: Database.Database,
  projectDir: string,
  dir: string,
  args: { model: string; format: ExportFormat; out: string; verify: boolean; baked: boolean; apprenticeVersion: string },
): Promise<ExportModelResult> {
  if (args.format !== 'onnx') throw new AppError('UNSUPPORTED', 'This model stands on an ONNX backbone: it exports to ONNX only.');
  if (args.baked) throw new AppError('UNSUPPORTED', 'Baked preprocessing is not available for a model on an ONNX backbone: its preprocessing is the backbone\'s own.');
  const spec = JSON.parse(readFileSync(join(dir, BACKBONE_SPEC), 'utf8')) as OnnxInputSpec;
  const { model: head, metadata } = await loadModelFiles(dir);
  try {
    const dense = head.getLayer('logits');
    const [kernel, bias] = dense.getWeights() as [tf.Tensor, tf.Tensor];
    const classes = metadata?.classes ?? [];
    const multiLabel = metadata?.multiLabel === true;
    const bytes = composeOnnxBackboneWithHead(
      new Uint8Array(readFileSync(join(dir, BACKBONE_FILE))),
      { kernel: kernel.dataSync() as Float32Array, bias: bias.dataSync() as Float32Array, featureDim: kernel.shape[0]!, classes: kernel.shape[1]! },
      {
        layout: spec.layout,
        producerVersion: args.apprenticeVersion,
        ...(multiLabel ? { multiLabel: true } : {}),
        metadata: {
          classes: JSON.stringify(classes), input_size: `${spec.width}x${spec.height}`, channels: String(spec.channels), layout: spec.layout,
          scale: String(spec.scale), mean: JSON.stringify(spec.mean), std: JSON.stringify(spec.std), preprocessing: 'none',
          // The backbone's own geometry: the head learned on features of pixels prepared that way.
          resize: spec.resize ?? 'bilinear', crop: spec.crop ?? 'none', letterbox: String(spec.letterbox ?? false),
          apprentice_version: args.apprenticeVersion, model_id: metadata?.id ?? args.model, arch: metadata?.arch ?? 'transfer',
          ...(multiLabel ? { multi_label: 'true' } : {}),
        },
      },
    );
    const out = args.out.toLowerCase().endsWith('.onnx') ? args.out : join(args.out, 'model.onnx');
    await writeFileAtomic(out, bytes);
    if (!args.verify) return { out, format: 'onnx', verified: false, maxAbsDiff: null, top1Agreement: null, files: [out] };
    const rows = randomImageFiles(db, SAMPLE_IMAGES);
    const expected = await predictWithOnnxBackbone(dir, projectDir, rows);
    expected.head.dispose();
    // A multi-label file is checked on its logits through a sigmoid, as predictWithOnnxBackbone computes them (a classifier would softmax them).
    const merged = await OnnxClassifier.load(out, { ...spec, classes }, multiLabel ? 'features' : 'classifier');
    const actual = multiLabel ? { probs: sigmoid(await merged.featureRows(projectDir, rows)) } : await merged.predictRows(projectDir, rows);
    await merged.release();
    const k = classes.length;
    let maxAbsDiff = 0;
    let agree = 0;
    for (let i = 0; i < rows.length; i++) {
      let a = 0;
      let e = 0;
      for (let c = 0; c < k; c++) {
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(actual.probs[i * k + c]! - expected.probs[i * k + c]!));
        if (actual.probs[i * k + c]! > actual.probs[i * k + a]!) a = c;
        if (expected.probs[i * k + c]! > expected.probs[i * k + e]!) e = c;
      }
      if (a === e) agree++;
    }
    const top1Agreement = rows.length ? agree / rows.length : 1;
    return { out, format: 'onnx', verified: maxAbsDiff <= VERIFY_MAX_ABS_DIFF && top1Agreement === 1, maxAbsDiff, top1Agreement, files: [out] };
  } finally {
    head.dispose();
  }
}

function sigmoid(logits: Float32Array): Float32Array {
  return logits.map((z) => 1 / (1 + Math.exp(-z)));
}
