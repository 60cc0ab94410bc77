/**
 * Run a box student over images: pixels in, boxes out (normalized, class index, score).
 */
import * as tf from '@tensorflow/tfjs';
import type Database from 'better-sqlite3';
import type { ScoredBox } from '../../annotation';
import type { Detections } from '../../inference';
import { imagePixels } from '../../media';
import { imageFiles } from '../../store';
import { selectTrainingBackend } from '../backend';
import { decodeGrid, type DecodeOptions } from './decode';
import { gridSize } from './model';
import { loadDetector } from './files';

/** Pixels of images as the detector sees them: stretched to the square input, bytes NHWC. */
export async function detectorPixels(projectDir: string, rows: { mediaPath: string; sha256: string }[], side: number, channels: 1 | 3, signal?: AbortSignal): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const r of rows) {
    signal?.throwIfAborted();
    out.push(await imagePixels(projectDir, r.mediaPath, r.sha256, { height: side, width: side, channels }));
  }
  return out;
}

/** The raw grids of some images, a batch at a time, in inference mode (no dropout). */
export function predictGrids(model: tf.LayersModel, pixels: readonly Uint8Array[], side: number, channels: number, batchSize = 32): Float32Array[] {
  const size = side * side * channels;
  const grids: Float32Array[] = [];
  for (let start = 0; start < pixels.length; start += batchSize) {
    const n = Math.min(batchSize, pixels.length - start);
    const x = new Float32Array(n * size);
    for (let i = 0; i < n; i++) {
      const px = pixels[start + i]!;
      for (let j = 0; j < size; j++) x[i * size + j] = px[j]! / 255;
    }
    const out = tf.tidy(() => model.predict(tf.tensor4d(x, [n, side, side, channels])) as tf.Tensor);
    const data = out.dataSync() as Float32Array;
    out.dispose();
    const per = data.length / n;
    for (let i = 0; i < n; i++) grids.push(data.slice(i * per, (i + 1) * per));
  }
  return grids;
}

export function detectBoxes(model: tf.LayersModel, pixels: readonly Uint8Array[], side: number, channels: number, numClasses: number, options: DecodeOptions): ScoredBox[][] {
  const grid = gridSize(side);
  return predictGrids(model, pixels, side, channels).map((g) => decodeGrid(g, grid, numClasses, options));
}

/**
 * A trained box student as a teacher: its boxes on some of the project's images, after its
 * thresholds (or the ones given for this run) and NMS, in its class indexes.
 */
export async function detectWithProjectDetector(
  db: Database.Database,
  projectDir: string,
  dir: string,
  imageIds: number[],
  thresholds: { scoreThreshold?: number; iouThreshold?: number },
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Detections> {
  await selectTrainingBackend();
  const { model, spec } = await loadDetector(dir);
  try {
    const decode = { ...spec.decode, ...thresholds };
    const rows = imageFiles(db, imageIds).map((r) => ({ id: r.id, mediaPath: r.media_path, sha256: r.sha256 }));
    const detections: Detections['detections'] = [];
    const CHUNK = 64;
    for (let start = 0; start < rows.length; start += CHUNK) {
      opts.signal?.throwIfAborted();
      const chunk = rows.slice(start, start + CHUNK);
      const pixels = await detectorPixels(projectDir, chunk, spec.inputSize, spec.channels, opts.signal);
      const boxes = detectBoxes(model, pixels, spec.inputSize, spec.channels, spec.classes.length, decode);
      chunk.forEach((r, i) => detections.push({ imageId: r.id, boxes: boxes[i]! }));
      opts.onProgress?.(Math.min(rows.length, start + CHUNK), rows.length);
    }
    return { classes: spec.classes, detections };
  } finally {
    model.dispose();
  }
}
