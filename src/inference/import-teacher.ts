import { existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { copyFileAtomic, writeFileAtomic } from '../media/files';
import { pathInside, type NewModel } from '../store';
import { DEFAULT_IOU_THRESHOLD, DEFAULT_MAX_BOXES, DEFAULT_SCORE_THRESHOLD, resolveOnnxSpec, type OnnxInputSpec, type SpecOverrides } from './onnx-spec';
import { OnnxImageModel } from './onnx-image-model';
import { teacherOutput } from './onnx-detector';
import { DETECTOR_ARCH } from './yolo-decode';

export const ONNX_MODEL_FILE = 'model.onnx';
export const ONNX_SPEC_FILE = 'spec.json';

/**
 * Bring an ONNX classifier or YOLO-style detector into the project as a teacher: its
 * preprocessing is resolved (flags, sidecar, metadata, shape), it is loaded once in onnxruntime
 * to prove it runs and to tell from its output what it is (a class vector per image, or a
 * YOLOv5/v8 detection output, whose thresholds are recorded), then copied into models/<id>/ with
 * the spec beside it. Returns the models row to record (the caller writes it: this runs in the
 * engine worker, which only reads the database).
 */
export async function importOnnxTeacher(projectDir: string, file: string, flags: SpecOverrides = {}): Promise<NewModel> {
  const { spec, thresholds } = resolveOnnxSpec(file, flags);
  const model = await OnnxImageModel.open(file, spec);
  let out: ReturnType<typeof teacherOutput>;
  try {
    out = teacherOutput(await model.probe(), model.outputName, spec.classes, spec.batch);
  } finally {
    await model.release();
  }
  const classes = spec.classes ?? Array.from({ length: out.classCount }, (_, i) => `class_${i}`);
  const detector: OnnxInputSpec['detector'] =
    out.kind === 'detector'
      ? { yolo: out.yolo, scoreThreshold: thresholds.scoreThreshold ?? DEFAULT_SCORE_THRESHOLD, iouThreshold: thresholds.iouThreshold ?? DEFAULT_IOU_THRESHOLD, maxBoxes: DEFAULT_MAX_BOXES }
      : undefined;
  const id = `onnx-${basename(file).replace(/\.onnx$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
  const dir = pathInside(projectDir, ['models'], id, 'model id');
  mkdirSync(dir, { recursive: true });
  await copyFileAtomic(file, join(dir, ONNX_MODEL_FILE));
  const stored: OnnxInputSpec = { ...spec, classes, ...(detector ? { detector } : {}) };
  await writeFileAtomic(join(dir, ONNX_SPEC_FILE), JSON.stringify(stored, null, 2));
  return {
    id, name: basename(file), arch: detector ? DETECTOR_ARCH : 'onnx', kind: 'imported', path: join('models', id), classes, metrics: null, backend: 'onnxruntime',
    params: null, trainingSeconds: null, imagesPerSecond: null, wallImagesPerSecond: null,
    details: { history: [], confusion: [], misclassified: [], options: { source: file, ...flags }, search: null, input: { height: spec.height, width: spec.width, channels: spec.channels },
      onnx: { layout: spec.layout, scale: spec.scale, mean: spec.mean, std: spec.std, uint8: spec.uint8, detector: detector ?? null },
    },
  };
}

export function isOnnxModelDir(dir: string): boolean {
  return existsSync(join(dir, ONNX_MODEL_FILE));
}
