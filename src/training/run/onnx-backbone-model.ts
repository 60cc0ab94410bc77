import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { copyFileAtomic, writeFileAtomic } from '../../media/files';
import { OnnxClassifier, type OnnxInputSpec } from '../../inference/onnx';
import { loadModelFiles } from '../model-files';

/**
 * A model trained frozen on an ONNX backbone is stored as three files: backbone.onnx (a copy),
 * backbone-spec.json (its preprocessing) and the tfjs head (model.json + weights.bin) that takes
 * the backbone's features as a 1x1xD input.
 */
export const BACKBONE_FILE = 'backbone.onnx';
export const BACKBONE_SPEC = 'backbone-spec.json';

export async function saveOnnxBackbone(dir: string, file: string, spec: OnnxInputSpec): Promise<void> {
  await writeFileAtomic(join(dir, BACKBONE_SPEC), JSON.stringify(spec, null, 2));
  await copyFileAtomic(file, join(dir, BACKBONE_FILE));
}

export function hasOnnxBackbone(dir: string): boolean {
  return existsSync(join(dir, BACKBONE_FILE));
}

/** Class probabilities of project images through backbone (onnxruntime) then head (tfjs): softmax, or sigmoids for a multi-label head. */
export async function predictWithOnnxBackbone(
  dir: string,
  projectDir: string,
  rows: { media_path: string; sha256: string }[],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ probs: Float32Array; classes: string[]; features: Float32Array; head: tf.LayersModel; multiLabel: boolean }> {
  const spec = JSON.parse(readFileSync(join(dir, BACKBONE_SPEC), 'utf8')) as OnnxInputSpec;
  const runner = await OnnxClassifier.load(join(dir, BACKBONE_FILE), spec, 'features');
  let features: Float32Array;
  try {
    features = await runner.featureRows(projectDir, rows, opts);
  } finally {
    await runner.release();
  }
  const { model: head, metadata } = await loadModelFiles(dir);
  const d = runner.featureDim;
  // A multi-label head gives each class its own sigmoid.
  const multiLabel = metadata?.multiLabel === true;
  const probs = tf.tidy(() => {
    const logits = head.predict(tf.tensor4d(features, [rows.length, 1, 1, d])) as tf.Tensor;
    return (multiLabel ? tf.sigmoid(logits) : tf.softmax(logits)).dataSync() as Float32Array;
  });
  const k = head.outputs[0]!.shape[1]!;
  return { probs, classes: metadata?.classes ?? Array.from({ length: k }, (_, i) => `class_${i}`), features, head, multiLabel };
}
