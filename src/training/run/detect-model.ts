import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import { imageFiles } from '../../store';
import type { Detections } from '../../inference';
import { isOnnxModelDir, OnnxDetector, ONNX_MODEL_FILE, ONNX_SPEC_FILE, type DetectorSpec, type OnnxInputSpec } from '../../inference/onnx';
import { resolveModelDir } from './predict-model';
import { isProjectDetectorDir } from '../detect/files';
import { detectWithProjectDetector } from '../detect/predict';

/**
 * Run an imported detector teacher over some of a project's images: per image, its boxes
 * (normalized, the teacher's class index, score) after thresholds and NMS, with the thresholds
 * it was imported with unless others are given for this run.
 */
export async function detectImages(
  db: Database.Database,
  projectDir: string,
  modelRef: string,
  imageIds: number[],
  thresholds: Partial<Pick<DetectorSpec, 'scoreThreshold' | 'iouThreshold'>>,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Detections> {
  const dir = resolveModelDir(db, projectDir, modelRef);
  // A box student trained in the project (arch "detector") runs on the tfjs engine.
  if (isProjectDetectorDir(dir)) return detectWithProjectDetector(db, projectDir, dir, imageIds, thresholds, opts);
  const spec = isOnnxModelDir(dir) ? (JSON.parse(readFileSync(join(dir, ONNX_SPEC_FILE), 'utf8')) as OnnxInputSpec & { classes: string[] }) : null;
  if (!spec?.detector) throw new AppError('UNSUPPORTED', `Model "${modelRef}" is not a detector; import a YOLO-style ONNX model to pre-label boxes.`);
  const detector = await OnnxDetector.load(join(dir, ONNX_MODEL_FILE), spec);
  try {
    const rows = imageFiles(db, imageIds);
    const boxes = await detector.detectRows(projectDir, rows, thresholds, opts);
    return { classes: spec.classes, detections: rows.map((r, i) => (boxes[i] ? { imageId: r.id, boxes: boxes[i] } : { imageId: r.id, boxes: [], notANumber: true })) };
  } finally {
    await detector.release();
  }
}
