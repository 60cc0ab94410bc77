/**
 * The box student's ONNX export on its own (no project): an untrained detector whose output conv
 * is given seeded random weights (so many cells fire, with every class), exported in the YOLOv5
 * layout, run in onnxruntime-node, and compared with the decoded tfjs grid — values of output0,
 * and boxes after NMS from Apprentice's YOLO decoder vs the project detector's own decoder.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeYolo, detectYoloLayout } from '../inference';
import { ultralyticsNames } from '../inference/onnx-spec';
import { decodeGrid, DEFAULT_DECODE } from '../training/detect/decode';
import { buildDetector, gridSize } from '../training/detect/model';
import { predictGrids } from '../training/detect/predict';
import { detectorParity, DETECTOR_OUTPUT, exportDetectorOnnx, readOnnxMetadata, VERIFY_MAX_ABS_DIFF, type DetectorExportMetadata } from './index';
import { onnx } from './onnx-proto';
import { randomSamples } from './verify';

const SIDE = 32;
const CLASSES = ['cat', "o'brien", 'dog'];
let model: tf.LayersModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = buildDetector({ inputSize: SIDE, channels: 3, numClasses: CLASSES.length, seed: 5 });
  // A trained-looking output conv: objectness and class logits spread out, so boxes of every class pass 0.25.
  const out = model.getLayer('det_out');
  const [kernel, bias] = out.getWeights();
  const k = tf.tensor(Array.from(randomSamples(1, { height: 1, width: 1, channels: kernel!.size }, 3), (v) => (v - 0.5) * 2), kernel!.shape);
  const b = tf.tensor(Array.from(randomSamples(1, { height: 1, width: 1, channels: bias!.size }, 4), (v, i) => (i < 5 ? (v - 0.5) * 2 : 0)), bias!.shape);
  out.setWeights([k, b]);
  tf.dispose([k, b]);
});

afterAll(() => model.dispose());

const meta = (): DetectorExportMetadata => ({
  id: 'det-1', arch: 'detector', classes: CLASSES, grid: gridSize(SIDE),
  input: { height: SIDE, width: SIDE, channels: 3, scale: 1 / 255, layout: 'nhwc' },
  decode: { scoreThreshold: 0.25, iouThreshold: 0.45, maxBoxes: 100 },
});

function pixels(n: number, seed: number): Uint8Array[] {
  const all = randomSamples(n, { height: SIDE, width: SIDE, channels: 3 }, seed);
  const size = SIDE * SIDE * 3;
  return Array.from({ length: n }, (_, i) => Uint8Array.from(all.subarray(i * size, (i + 1) * size), (v) => Math.floor(v * 256)));
}

describe('detector -> ONNX (YOLOv5 layout)', () => {
  for (const baked of [false, true]) {
    test(`output0 and the boxes after NMS match the tfjs detector${baked ? ' (baked uint8 input)' : ''}`, async () => {
      const bytes = exportDetectorOnnx(model, meta(), { bakedPreprocessing: baked, apprenticeVersion: '0.0.0-test' });
      const px = pixels(12, 9);
      const S = gridSize(SIDE);
      const parity = await detectorParity(bytes, px, (p) => predictGrids(model, p, SIDE, 3), { grid: S, numClasses: CLASSES.length, input: meta().input });
      console.log(`detector export${baked ? ' (baked)' : ''}: max |diff| ${parity.maxAbsDiff.toExponential(2)} (normalized), ${parity.maxPixelDiff.toExponential(2)} px`);
      expect(parity.dims).toEqual([12, S * S, 5 + CLASSES.length]);
      expect(parity.maxAbsDiff).toBeLessThanOrEqual(VERIFY_MAX_ABS_DIFF);
      expect(parity.maxPixelDiff).toBeLessThanOrEqual(VERIFY_MAX_ABS_DIFF * SIDE);
      let boxes = 0;
      const seen = new Set<number>();
      parity.grids.forEach((grid, i) => {
        const expected = decodeGrid(grid, S, CLASSES.length, DEFAULT_DECODE);
        const actual = decodeYolo(parity.onnx[i]!, [1, S * S, 5 + CLASSES.length], 0, 'v5', { inputWidth: SIDE, inputHeight: SIDE, scoreThreshold: 0.25, iouThreshold: 0.45, maxBoxes: 100 });
        expect(actual.length).toBe(expected.length);
        actual.forEach((a, j) => {
          const e = expected[j]!;
          expect(a.classIndex).toBe(e.classIndex);
          expect(Math.abs(a.score - e.score)).toBeLessThan(1e-5);
          for (const key of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(a[key] - e[key])).toBeLessThan(1e-5);
          seen.add(a.classIndex);
        });
        boxes += expected.length;
      });
      expect(boxes).toBeGreaterThan(12); // the comparison is about real boxes, not empty lists
      expect(seen.size).toBe(CLASSES.length);
    });
  }

  test('the file says what it is: YOLOv5 output, class names (Ultralytics names too), input spec, thresholds', () => {
    const bytes = exportDetectorOnnx(model, meta(), { apprenticeVersion: '1.2.3' });
    const info = readOnnxMetadata(bytes);
    expect(info.inputName).toBe('image');
    expect(info.inputShape).toEqual(['batch', SIDE, SIDE, 3]);
    expect(info.outputNames).toEqual([DETECTOR_OUTPUT]);
    expect(info.opset).toBe(13);
    expect(info.classes).toEqual(CLASSES);
    expect(ultralyticsNames(info.props)).toEqual(CLASSES);
    expect(info.preprocessing).toMatchObject({ height: SIDE, width: SIDE, channels: 3, layout: 'nhwc' });
    expect(info.preprocessing!.scale).toBeCloseTo(1 / 255, 12);
    expect(info.props).toMatchObject({ task: 'detect', stride: '8', imgsz: `[${SIDE}, ${SIDE}]`, output_layout: 'yolov5', score_threshold: '0.25', iou_threshold: '0.45', arch: 'detector', model_id: 'det-1' });
    const out = onnx.ModelProto.decode(bytes).graph!.output![0]!;
    const dims = out.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(dims).toEqual(['batch', 16, 8]);
    expect(detectYoloLayout([1, 16, 8], CLASSES.length)).toBe('v5');
  });

  test('a model whose output is not the detector grid is refused', () => {
    expect(() => exportDetectorOnnx(model, { ...meta(), classes: ['a', 'b'] })).toThrow(/not a grid/);
  });
});
