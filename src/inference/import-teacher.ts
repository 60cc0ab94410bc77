import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { copyFileAtomic, writeFileAtomic } from '../media/files';
import type { NewModel } from '../store';
import { resolveOnnxSpec, type SpecOverrides } from './onnx-spec';
import { OnnxClassifier } from './onnx-classifier';

export const ONNX_MODEL_FILE = 'model.onnx';
export const ONNX_SPEC_FILE = 'spec.json';

/**
 * Bring an ONNX classifier into the project as a teacher: its preprocessing is resolved (flags,
 * sidecar, metadata, shape), it is loaded once in onnxruntime to prove it runs and outputs a class
 * vector, then copied into models/<id>/ with the spec beside it. Returns the models row to record
 * (the caller writes it: this runs in the engine worker, which only reads the database).
 */
export async function importOnnxTeacher(projectDir: string, file: string, flags: SpecOverrides = {}): Promise<NewModel> {
  const { spec } = resolveOnnxSpec(file, flags);
  const classifier = await OnnxClassifier.load(file, spec);
  await classifier.release();
  const classes = spec.classes ?? Array.from({ length: classifier.classCount }, (_, i) => `class_${i}`);
  const id = `onnx-${basename(file).replace(/\.onnx$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
  const dir = join(projectDir, 'models', id);
  mkdirSync(dir, { recursive: true });
  await copyFileAtomic(file, join(dir, ONNX_MODEL_FILE));
  const stored = { ...spec, classes };
  await writeFileAtomic(join(dir, ONNX_SPEC_FILE), JSON.stringify(stored, null, 2));
  return {
    id, name: basename(file), arch: 'onnx', kind: 'imported', path: join('models', id), classes, metrics: null, backend: 'onnxruntime',
    params: null, trainingSeconds: null, imagesPerSecond: null,
    details: { history: [], confusion: [], misclassified: [], options: { source: file, ...flags }, search: null, input: { height: spec.height, width: spec.width, channels: spec.channels } },
  };
}

export function isOnnxModelDir(dir: string): boolean {
  return existsSync(join(dir, ONNX_MODEL_FILE));
}
