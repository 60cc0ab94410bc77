/**
 * A box student trained in the project, exported to ONNX through the service's 'export-model' job
 * (engine worker), verified on the project's images, then imported back with 'teachers.import':
 * Apprentice must read it as a YOLOv5-style 'onnx-detector' with the project's classes, and its
 * pseudo boxes on unlabeled images must be the boxes the project detector itself stores as a teacher.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { iou, type Box } from '../../annotation';
import { readOnnxMetadata } from '../../export';
import { CLASSES, setupDetectionProject } from '../../test-support/detection-project';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

interface Stored {
  classId: number;
  geometry: Box;
  confidence: number;
}

describe('box student -> ONNX -> detector teacher', () => {
  test('exports verified (output0 and boxes), re-imports as an onnx-detector, and pseudo-labels the same boxes', async () => {
    const p = await setupDetectionProject({ train: 110, val: 10, test: 10, unlabeled: 16 }, 777);
    cleanup = p.cleanup;
    const trained = await p.run({ kind: 'train-detector', input: { epochs: 12, batchSize: 16, learningRate: 0.003, seed: 1 } } as never);
    expect(trained.error).toBeNull();
    const detectorId = (trained.result as { modelId: string }).modelId;

    // Export through the service, as the UI and the CLI do.
    const out = join(p.root, 'exports', 'detector.onnx');
    const exported = await p.run({ kind: 'export-model', input: { model: detectorId, format: 'onnx', out, verify: true } } as never);
    expect(exported.error).toBeNull();
    const r = exported.result as {
      out: string; format: string; verified: boolean; maxAbsDiff: number; top1Agreement: number; files: string[];
      detector: { images: number; boxes: number; imagesWithSameBoxes: number; maxPixelDiff: number; grid: number; classes: string[] };
    };
    console.log(`detector export: verified ${r.verified}, max |diff| ${r.maxAbsDiff.toExponential(2)} (normalized), ${r.detector.maxPixelDiff.toExponential(2)} px, ` +
      `same boxes on ${r.detector.imagesWithSameBoxes}/${r.detector.images} images (${r.detector.boxes} boxes)`);
    expect(r).toMatchObject({ out, format: 'onnx', verified: true, top1Agreement: 1, files: [out] });
    expect(r.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(r.detector).toMatchObject({ images: 64, imagesWithSameBoxes: 64, grid: 8, classes: [...CLASSES] });
    expect(r.detector.boxes).toBeGreaterThan(20);
    const info = readOnnxMetadata(readFileSync(out));
    expect(info.outputNames).toEqual(['output0']);
    expect(info.classes).toEqual([...CLASSES]);
    expect(info.props.names).toBe("{0: 'red', 1: 'blue'}");

    // A folder export with baked preprocessing: model.onnx, labels.txt, README.md, verified too.
    const folder = join(p.root, 'exports', 'baked');
    const baked = await p.run({ kind: 'export-model', input: { model: detectorId, format: 'onnx', out: folder, verify: true, baked: true } } as never);
    expect(baked.error).toBeNull();
    expect(baked.result).toMatchObject({ verified: true, top1Agreement: 1 });
    expect(readFileSync(join(folder, 'labels.txt'), 'utf8')).toBe('red\nblue\n');
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toMatch(/output0.*\[batch, 64, 7\]/);
    expect(readOnnxMetadata(readFileSync(join(folder, 'model.onnx'))).inputName).toBe('image_uint8');
    // tfjs is the model folder itself: refused with the reason.
    const tfjs = await p.run({ kind: 'export-model', input: { model: detectorId, format: 'tfjs', out: join(p.root, 'exports', 'tfjs') } } as never);
    expect(tfjs.error?.message).toMatch(/exports to ONNX only/);
    expect(existsSync(join(p.root, 'exports', 'tfjs'))).toBe(false);

    // Re-import: Apprentice reads it as a YOLOv5 detector teacher with the project's classes.
    const teacher = await p.service.invoke('teachers.import', { file: out });
    expect(teacher).toMatchObject({ arch: 'onnx-detector', kind: 'imported', classes: [...CLASSES] });

    // Each pseudo-labels the unlabeled images in turn (a later teacher replaces an image's pending
    // pseudo boxes, so each one's stored boxes are read right after its run); they must agree.
    const unlabeled = p.images.filter((i) => i.split === 'unlabeled');
    const pseudoLabel = async (model: string): Promise<Stored[][]> => {
      const job = await p.run({ kind: 'pseudo-label', input: { teacher: model, split: 'unlabeled' } } as never);
      expect(job.error).toBeNull();
      expect(job.result).toMatchObject({ labeled: 16 });
      return Promise.all(unlabeled.map(async (image) =>
        (await p.service.invoke('images.get', { id: image.id })).annotations
          .filter((a) => a.kind === 'box' && a.source === 'pseudo' && a.modelId === model)
          .map((a) => ({ classId: a.classId!, geometry: a.geometry as Box, confidence: a.confidence! }))
          .sort((a, b) => b.confidence - a.confidence)));
    };
    const mine = await pseudoLabel(detectorId);
    const theirs = await pseudoLabel(teacher.id);
    let compared = 0;
    let worstIou = 1;
    let worstScore = 0;
    unlabeled.forEach((_, i) => {
      expect(theirs[i]!.length).toBe(mine[i]!.length);
      mine[i]!.forEach((m, j) => {
        const t = theirs[i]![j]!;
        expect(t.classId).toBe(m.classId);
        worstIou = Math.min(worstIou, iou(t.geometry, m.geometry));
        worstScore = Math.max(worstScore, Math.abs(t.confidence - m.confidence));
        compared++;
      });
    });
    console.log(`pseudo boxes compared: ${compared}, worst IoU ${worstIou.toFixed(6)}, worst |score diff| ${worstScore.toExponential(2)}`);
    expect(compared).toBeGreaterThan(5);
    expect(worstIou).toBeGreaterThan(0.99);
    expect(worstScore).toBeLessThanOrEqual(1e-4);
  }, 240_000);
});
