import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import type { Split } from '../../api/types';
import { imagesWithClassName, modelPath, resolveInside, type ImageWithClassName } from '../../store';
import { isOnnxModelDir, OnnxClassifier, ONNX_MODEL_FILE, ONNX_SPEC_FILE, type OnnxInputSpec } from '../../inference/onnx';
import { selectTrainingBackend } from '../backend';
import { decodeImages } from '../../media';
import type { InputSpec } from '../data/input-spec';
import { evaluateClassification } from '../evaluate';
import { predictProbabilities } from '../loop';
import { loadModelFiles } from '../model-files';
import { hasOnnxBackbone, predictWithOnnxBackbone } from './onnx-backbone-model';

export interface Prediction {
  imageId: number;
  image: string;
  label: string;
  confidence: number;
  probs: number[];
  trueLabel: string | null;
}

/** A model named by id (in this project) or by a path to a tfjs model folder or its model.json. */
type Row = ImageWithClassName;

function toPredictions(rows: Row[], probs: Float32Array, classes: string[]): Prediction[] {
  const k = classes.length;
  return rows.map((r, i) => {
    const p = Array.from(probs.subarray(i * k, (i + 1) * k));
    let best = 0;
    for (let c = 1; c < k; c++) if (p[c]! > p[best]!) best = c;
    return { imageId: r.id, image: r.original_path, label: classes[best]!, confidence: p[best]!, probs: p, trueLabel: r.class_name };
  });
}

/** An imported ONNX model: onnxruntime with the preprocessing stored beside it. */
async function predictWithOnnx(
  db: Database.Database,
  projectDir: string,
  dir: string,
  split: Split | null,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; imageIds?: number[] },
): Promise<{ classes: string[]; predictions: Prediction[] }> {
  const spec = JSON.parse(readFileSync(join(dir, ONNX_SPEC_FILE), 'utf8')) as OnnxInputSpec & { classes: string[] };
  if (spec.detector) throw new AppError('UNSUPPORTED', 'This model is a detector: it finds boxes rather than classifying images; use it to pseudo-label.');
  const classifier = await OnnxClassifier.load(join(dir, ONNX_MODEL_FILE), spec);
  try {
    const rows = imagesWithClassName(db, split, opts.imageIds);
    const { probs } = await classifier.predictRows(projectDir, rows, opts);
    return { classes: spec.classes, predictions: toPredictions(rows, probs, spec.classes) };
  } finally {
    await classifier.release();
  }
}

export function resolveModelDir(db: Database.Database, projectDir: string, ref: string): string {
  if (existsSync(ref)) {
    const dir = statSync(ref).isDirectory() ? ref : dirname(ref);
    if (!existsSync(join(dir, 'model.json'))) {
      throw new AppError('UNSUPPORTED', `${ref} is not a tfjs model folder (no model.json); import an ONNX file as a teacher first.`);
    }
    return dir;
  }
  return resolveInside(projectDir, modelPath(db, ref), 'model folder');
}

/**
 * Run a trained model over the project's images of one split (all images when no split is
 * given), with the model's own input spec and class list.
 */
export async function predictImages(
  db: Database.Database,
  projectDir: string,
  modelRef: string,
  split: Split | null,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; imageIds?: number[] } = {},
): Promise<{ classes: string[]; predictions: Prediction[] }> {
  const dir = resolveModelDir(db, projectDir, modelRef);
  if (isOnnxModelDir(dir)) return predictWithOnnx(db, projectDir, dir, split, opts);
  if (hasOnnxBackbone(dir)) {
    await selectTrainingBackend();
    const rows = imagesWithClassName(db, split, opts.imageIds);
    const { probs, classes, head } = await predictWithOnnxBackbone(dir, projectDir, rows, opts);
    head.dispose();
    return { classes, predictions: toPredictions(rows, probs, classes) };
  }
  await selectTrainingBackend();
  const { model, metadata } = await loadModelFiles(dir);
  try {
    const shape = model.inputs[0]!.shape;
    const input: InputSpec = metadata?.input ?? { height: shape[1]!, width: shape[2]!, channels: shape[3] === 1 ? 1 : 3 };
    const classes = metadata?.classes ?? Array.from({ length: model.outputs[0]!.shape[1]! }, (_, i) => `class_${i}`);
    const rows = imagesWithClassName(db, split, opts.imageIds);
    const x = await decodeImages(projectDir, rows, input, opts);
    const probs = predictProbabilities(model, { x, n: rows.length, ...input });
    return { classes, predictions: toPredictions(rows, probs, classes) };
  } finally {
    model.dispose();
  }
}

/** Accuracy, per-class scores and confusion of a model on one split's labeled images. */
export async function evaluateModel(db: Database.Database, projectDir: string, modelRef: string, split: Split, opts: { signal?: AbortSignal } = {}) {
  const { classes, predictions } = await predictImages(db, projectDir, modelRef, split, opts);
  const index = new Map(classes.map((c, i) => [c.toLowerCase(), i]));
  const scored = predictions.filter((p) => p.trueLabel !== null && index.has(p.trueLabel.toLowerCase()));
  if (!scored.length) throw new AppError('INVALID_INPUT', `The ${split} split has no labeled images of this model's classes to evaluate on.`);
  const labels = scored.map((p) => index.get(p.trueLabel!.toLowerCase())!);
  const probs = new Float32Array(scored.length * classes.length);
  scored.forEach((p, i) => probs.set(p.probs, i * classes.length));
  const e = evaluateClassification(labels, probs, classes, { topK: Math.min(5, classes.length) });
  return {
    accuracy: e.accuracy,
    images: scored.length,
    topK: e.topK,
    perClass: e.perClass.map((c) => ({ name: c.name, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })),
    confusion: e.confusion,
    misclassified: e.misclassified.slice(0, 100).map((m) => ({ imageId: scored[m.index]!.imageId, image: scored[m.index]!.image, trueClass: m.trueName, predictedClass: m.predictedName, confidence: m.confidence })),
  };
}
