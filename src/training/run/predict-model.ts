import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import type { Split } from '../../api/types';
import { imageClassSets, imagesWithClassName, listClasses, modelPath, resolveInside, type ImageWithClassName } from '../../store';
import { isOnnxModelDir, OnnxClassifier, ONNX_MODEL_FILE, ONNX_SPEC_FILE, type OnnxInputSpec } from '../../inference/onnx';
import { selectTrainingBackend } from '../backend';
import { decodeImages } from '../../media';
import type { InputSpec } from '../data/input-spec';
import { evaluateClassification, evaluateMultiLabel, MULTI_LABEL_THRESHOLD, multiLabelSummary, predictedSet } from '../evaluate';
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
  /** Multi-label models: every class at or above the threshold, and the image's own classes. */
  labels?: string[];
  trueLabels?: string[];
}

/** What predictImages returns; `multiLabel` is set for a multi-label model (probs are per-class sigmoids). */
export interface PredictionSet {
  classes: string[];
  predictions: Prediction[];
  multiLabel?: { threshold: number };
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

/** Each image's class names, by image id (a multi-label image has several), in the project's class order. */
function classNameSets(db: Database.Database): Map<number, string[]> {
  const names = new Map(listClasses(db).map((c) => [c.id, c.name]));
  return new Map([...imageClassSets(db)].map(([id, set]) => [id, set.map((c) => names.get(c)!)]));
}

/** A multi-label model's predictions: label is the most probable class (as for any model), labels all at or above the threshold. */
function toMultiLabelPredictions(db: Database.Database, rows: Row[], probs: Float32Array, classes: string[]): PredictionSet {
  const k = classes.length;
  const truth = classNameSets(db);
  const predictions = toPredictions(rows, probs, classes).map((p, i) => ({
    ...p,
    labels: predictedSet(probs, i, k).map((c) => classes[c]!),
    trueLabels: truth.get(rows[i]!.id) ?? [],
  }));
  return { classes, predictions, multiLabel: { threshold: MULTI_LABEL_THRESHOLD } };
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
): Promise<PredictionSet> {
  const dir = resolveModelDir(db, projectDir, modelRef);
  if (isOnnxModelDir(dir)) return predictWithOnnx(db, projectDir, dir, split, opts);
  if (hasOnnxBackbone(dir)) {
    await selectTrainingBackend();
    const rows = imagesWithClassName(db, split, opts.imageIds);
    const { probs, classes, head, multiLabel } = await predictWithOnnxBackbone(dir, projectDir, rows, opts);
    head.dispose();
    if (multiLabel) return toMultiLabelPredictions(db, rows, probs, classes);
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
    if (metadata?.multiLabel) return toMultiLabelPredictions(db, rows, predictProbabilities(model, { x, n: rows.length, ...input }, 256, 'sigmoid'), classes);
    const probs = predictProbabilities(model, { x, n: rows.length, ...input });
    return { classes, predictions: toPredictions(rows, probs, classes) };
  } finally {
    model.dispose();
  }
}

/** Accuracy, per-class scores and confusion of a model on one split's labeled images. */
export async function evaluateModel(db: Database.Database, projectDir: string, modelRef: string, split: Split, opts: { signal?: AbortSignal } = {}) {
  const predicted = await predictImages(db, projectDir, modelRef, split, opts);
  if (predicted.multiLabel) return evaluateMultiLabelModel(predicted, split);
  const { classes, predictions } = predicted;
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

/**
 * A multi-label model on one split: exact match as accuracy, per-class precision/recall/F1 at the
 * threshold, no confusion matrix (empty). An image's classes the model does not know are left
 * out, and images with none it knows are not scored (as evaluateModel does for single labels).
 */
function evaluateMultiLabelModel({ classes, predictions }: PredictionSet, split: Split) {
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [c.toLowerCase(), i]));
  const known = (p: Prediction) => (p.trueLabels ?? []).filter((name) => index.has(name.toLowerCase()));
  const scored = predictions.filter((p) => known(p).length > 0);
  if (!scored.length) throw new AppError('INVALID_INPUT', `The ${split} split has no labeled images of this model's classes to evaluate on.`);
  const truth = new Float32Array(scored.length * k);
  const probs = new Float32Array(scored.length * k);
  scored.forEach((p, i) => {
    for (const name of known(p)) truth[i * k + index.get(name.toLowerCase())!] = 1;
    probs.set(p.probs, i * k);
  });
  const e = evaluateMultiLabel(truth, probs, classes);
  return {
    accuracy: e.exactMatch,
    images: scored.length,
    perClass: e.perClass.map((c) => ({ name: c.name, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support })),
    confusion: [] as number[][],
    misclassified: e.misclassified.slice(0, 100).map((m) => ({
      imageId: scored[m.index]!.imageId, image: scored[m.index]!.image,
      trueClass: m.trueNames.join(', '), predictedClass: m.predictedNames.join(', '), confidence: m.confidence,
      trueClasses: m.trueNames, predictedClasses: m.predictedNames,
    })),
    multiLabel: multiLabelSummary(e),
  };
}
