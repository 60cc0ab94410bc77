/**
 * Export a box student trained in the project (models/<id>/ with detector.json) to ONNX in the
 * YOLOv5 output layout, and verify the written file the way classifier exports are verified: on
 * up to 64 of the project's own images, output0 of onnxruntime against the tfjs model's decoded
 * grid (max |diff| <= 1e-4), and the boxes after thresholds and NMS — decoded from the file as
 * Apprentice decodes an imported YOLO teacher, and from the grid as the project's own detector
 * does — must be the same on every image.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import { iou, type ScoredBox } from '../../annotation';
import {
  detectorParity, detectorReadme, exportDetectorOnnx, labelsText, randomSamples, VERIFY_MAX_ABS_DIFF,
  type DetectorExportMetadata, type ExportFormat, type ExportModelResult,
} from '../../export';
import { decodeYolo } from '../../inference';
import { writeFileAtomic } from '../../media';
import { randomImageFiles } from '../../store';
import { decodeGrid } from '../detect/decode';
import { DETECTOR_SPEC_FILE, type ProjectDetectorSpec } from '../detect/files';
import { detectorPixels, predictGrids } from '../detect/predict';
import { loadModelFiles } from '../model-files';

/** Verification runs on this many of the project's own images (random ones when it has none). */
const SAMPLE_IMAGES = 64;
/** Boxes of the two decoders are the same box when they overlap this much and their scores this close. */
const SAME_BOX_IOU = 0.99;
const SAME_SCORE = 1e-4;

export interface DetectorExportResult extends ExportModelResult {
  /** Detector verification details; top1Agreement holds the fraction of images with the same boxes. */
  detector: {
    layout: 'yolov5';
    output: string;
    grid: number;
    classes: string[];
    /** Images verified on. */
    images: number;
    /** Boxes (after NMS) the tfjs model finds on them, and how many images got the same boxes from the file. */
    boxes: number;
    imagesWithSameBoxes: number;
    /** max |diff| of output0 with the box coordinates in input pixels (maxAbsDiff has them as fractions of the input). */
    maxPixelDiff: number;
  } | null;
}

export async function exportProjectDetector(
  db: Database.Database,
  projectDir: string,
  dir: string,
  args: { model: string; format: ExportFormat; out: string; verify: boolean; baked: boolean; apprenticeVersion: string },
  opts: { signal?: AbortSignal; onProgress?: (phase: string, step: number, total: number) => void } = {},
): Promise<DetectorExportResult> {
  if (args.format !== 'onnx') {
    throw new AppError('UNSUPPORTED', 'A detector exports to ONNX only (with the YOLOv5 output layout); its tfjs files are the model folder itself.');
  }
  const spec = JSON.parse(readFileSync(join(dir, DETECTOR_SPEC_FILE), 'utf8')) as ProjectDetectorSpec;
  if (spec.format !== 'apprentice-detector' || spec.version !== 1) throw new AppError('UNSUPPORTED', `${join(dir, DETECTOR_SPEC_FILE)} is not a detector this version of Apprentice can export.`);
  const progress = (phase: string, step: number) => {
    opts.signal?.throwIfAborted();
    opts.onProgress?.(phase, step, 3);
  };
  progress('convert', 0);
  const { model, metadata } = await loadModelFiles(dir);
  try {
    const meta: DetectorExportMetadata = {
      id: metadata?.id ?? args.model,
      arch: metadata?.arch ?? 'detector',
      classes: spec.classes,
      input: { height: spec.inputSize, width: spec.inputSize, channels: spec.channels, scale: 1 / 255, layout: 'nhwc' },
      grid: spec.grid,
      decode: spec.decode,
      ...(metadata?.createdAt ? { createdAt: metadata.createdAt } : {}),
      ...(metadata?.trainingRunId ? { trainingRunId: metadata.trainingRunId } : {}),
    };
    const bytes = exportDetectorOnnx(model, meta, { bakedPreprocessing: args.baked, apprenticeVersion: args.apprenticeVersion });
    progress('write', 1);
    const single = args.out.toLowerCase().endsWith('.onnx');
    const onnxPath = single ? args.out : join(args.out, 'model.onnx');
    await writeFileAtomic(onnxPath, bytes);
    const files = [onnxPath];
    if (!single) {
      await writeFileAtomic(join(args.out, 'labels.txt'), labelsText(spec.classes));
      await writeFileAtomic(join(args.out, 'README.md'), detectorReadme(meta, { baked: args.baked }));
      files.push(join(args.out, 'labels.txt'), join(args.out, 'README.md'));
    }
    const done = (r: DetectorExportResult) => {
      opts.onProgress?.('done', 3, 3);
      return r;
    };
    if (!args.verify) return done({ out: args.out, format: 'onnx', verified: false, maxAbsDiff: null, top1Agreement: null, files, detector: null });
    progress('verify', 2);

    // The project's images as the detector sees them (stretched to its input, uint8 HWC).
    const rows = randomImageFiles(db, SAMPLE_IMAGES).map((r) => ({ mediaPath: r.media_path, sha256: r.sha256 }));
    const side = spec.inputSize;
    const size = side * side * spec.channels;
    const pixels = rows.length
      ? await detectorPixels(projectDir, rows, side, spec.channels, opts.signal)
      : chunks(Uint8Array.from(randomSamples(8, { height: side, width: side, channels: spec.channels }, 1), (v) => Math.floor(v * 256)), size);
    // Verify what is on disk, not the bytes in memory: that is what the user gets.
    const parity = await detectorParity(new Uint8Array(await readFile(onnxPath)), pixels, (px) => predictGrids(model, px, side, spec.channels), {
      grid: spec.grid, numClasses: spec.classes.length, input: meta.input,
    });
    const k = spec.classes.length;
    let same = 0;
    let boxes = 0;
    parity.grids.forEach((grid, i) => {
      const expected = decodeGrid(grid, spec.grid, k, spec.decode);
      const actual = decodeYolo(parity.onnx[i]!, [1, spec.grid * spec.grid, 5 + k], 0, 'v5', {
        inputWidth: side, inputHeight: side, scoreThreshold: spec.decode.scoreThreshold, iouThreshold: spec.decode.iouThreshold, maxBoxes: spec.decode.maxBoxes,
      });
      boxes += expected.length;
      if (sameBoxes(expected, actual)) same++;
    });
    const n = parity.grids.length;
    const top1Agreement = n ? same / n : 1;
    return done({
      out: args.out, format: 'onnx', verified: parity.maxAbsDiff <= VERIFY_MAX_ABS_DIFF && same === n, maxAbsDiff: parity.maxAbsDiff, top1Agreement, files,
      detector: { layout: 'yolov5', output: 'output0', grid: spec.grid, classes: spec.classes, images: n, boxes, imagesWithSameBoxes: same, maxPixelDiff: parity.maxPixelDiff },
    });
  } finally {
    model.dispose();
  }
}

/** Same boxes: as many, and each matched (best first) by one of the same class, IoU > 0.99, score within 1e-4. */
export function sameBoxes(a: readonly ScoredBox[], b: readonly ScoredBox[]): boolean {
  if (a.length !== b.length) return false;
  const used = new Set<number>();
  return a.every((x) => {
    const j = b.findIndex((y, i) => !used.has(i) && y.classIndex === x.classIndex && Math.abs(y.score - x.score) <= SAME_SCORE && iou(x, y) > SAME_BOX_IOU);
    if (j < 0) return false;
    used.add(j);
    return true;
  });
}

function chunks(all: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at + size <= all.length; at += size) out.push(all.slice(at, at + size));
  return out;
}
