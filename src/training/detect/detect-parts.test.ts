import { beforeAll, describe, expect, test } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { selectTrainingBackend } from '../backend';
import { cellOf, encodeTargets, flipBoxes, flipImageInPlace, targetChannels } from './targets';
import { detectionLoss } from './loss';
import { decodeGrid } from './decode';
import { averagePrecision, evaluateDetections } from './evaluate';
import { buildDetector, gridSize } from './model';

beforeAll(async () => {
  await selectTrainingBackend({ order: ['wasm'] });
});

describe('box student targets', () => {
  test('a box is assigned to the cell of its center, with offsets in the cell, size, class and objectness', () => {
    // Center (0.2, 0.7) on a 4x4 grid: column 0 (0.8 of the way), row 2 (0.8 of the way).
    const t = encodeTargets([{ x: 0.1, y: 0.55, w: 0.2, h: 0.3, classIndex: 1, objectness: 1 }], 4, 2);
    const ch = targetChannels(2);
    expect(t).toHaveLength(16 * ch);
    const cell = (2 * 4 + 0) * ch;
    expect(Array.from(t.slice(cell, cell + ch)).map((v) => Number(v.toFixed(5)))).toEqual([1, 1, 0.8, 0.8, 0.2, 0.3, 0, 1]);
    expect(t.reduce((s, v) => s + v, 0)).toBeCloseTo(1 + 1 + 0.8 + 0.8 + 0.2 + 0.3 + 1, 5);
  });

  test('a pending pseudo box targets the teacher score; in a shared cell the stronger target wins, then the smaller box', () => {
    const pending = { x: 0.1, y: 0.1, w: 0.2, h: 0.2, classIndex: 0, objectness: 0.7 };
    const human = { x: 0.05, y: 0.05, w: 0.35, h: 0.3, classIndex: 1, objectness: 1 };
    const t = encodeTargets([pending], 2, 2);
    expect(t[0]).toBeCloseTo(0.7, 6);
    expect(t[1]).toBe(1);
    const both = encodeTargets([human, pending], 2, 2);
    expect(both[0]).toBe(1);
    expect(Array.from(both.slice(6, 8))).toEqual([0, 1]);
    const small = { ...human, w: 0.1, h: 0.1, x: 0.2, y: 0.2, classIndex: 0 };
    const equal = encodeTargets([human, small], 2, 2);
    expect(equal[4]).toBeCloseTo(0.1, 6);
    const c = cellOf({ x: 0.9, y: 0.9, w: 0.1, h: 0.1 }, 2);
    expect([c.row, c.col]).toEqual([1, 1]);
    expect(c.offX).toBeCloseTo(0.9, 9);
    expect(c.offY).toBeCloseTo(0.9, 9);
  });

  test('a horizontal flip flips the pixels and the boxes alike', () => {
    const px = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // 2 rows x 3 columns x 2 channels
    flipImageInPlace(px, 2, 3, 2);
    expect(Array.from(px)).toEqual([5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8]);
    expect(flipBoxes([{ x: 0.1, y: 0.2, w: 0.3, h: 0.4 }])[0]).toEqual({ x: 1 - 0.1 - 0.3, y: 0.2, w: 0.3, h: 0.4 });
  });
});

describe('box student loss', () => {
  test('objectness BCE over all cells, L1 box and class CE on assigned cells, averaged over images: hand-computed', () => {
    // One image, 2x2 grid, 2 classes; the same image twice checks the average over the batch.
    const C = 2;
    const pred = new Float32Array(4 * (5 + C));
    const set = (cell: number, values: number[]) => values.forEach((v, i) => (pred[cell * (5 + C) + i] = v));
    set(0, [2, 0, 0, 0, 0, 0, Math.log(3)]); // a box of class 1, confident
    set(1, [2, 0, 0, 0, 0, 0, 0]); // a false alarm
    set(2, [-1, 0, 0, 0, 0, 0, 0]); // a pending pseudo box of class 0 (target 0.6), missed
    set(3, [0, 0, 0, 0, 0, 0, 0]); // background
    const target = new Float32Array(4 * (6 + C));
    target.set([1, 1, 0.25, 0.5, 0.5, 0.25, 0, 1], 0);
    target.set([0.6, 1, 0.5, 0.5, 0.5, 0.5, 1, 0], 2 * (6 + C));
    const twice = (a: Float32Array) => Float32Array.from([...a, ...a]);
    const l = detectionLoss(tf.tensor4d(twice(pred), [2, 2, 2, 5 + C]), tf.tensor4d(twice(target), [2, 2, 2, 6 + C]), C);
    const bce = (x: number, z: number) => Math.max(x, 0) - x * z + Math.log(1 + Math.exp(-Math.abs(x)));
    const objectness = bce(2, 1) + bce(2, 0) + bce(-1, 0.6) + bce(0, 0);
    expect(objectness).toBeCloseTo(0.126928 + 2.126928 + 0.913262 + 0.693147, 5);
    expect(l.objectness.dataSync()[0]).toBeCloseTo(objectness, 4);
    // Cell 0: |0.5 - 0.25| + |0.5 - 0.5| + 2 (|0.5 - 0.5| + |0.5 - 0.25|) = 0.75; cell 2 is exact.
    expect(l.box.dataSync()[0]).toBeCloseTo(0.75, 5);
    // -ln(3/4) for cell 0, -ln(1/2) for cell 2.
    expect(l.classes.dataSync()[0]).toBeCloseTo(-Math.log(0.75) - Math.log(0.5), 5);
    expect(l.total.dataSync()[0]).toBeCloseTo(objectness + 0.75 - Math.log(0.75) - Math.log(0.5), 4);
  });

  test('the model gives a grid of 5 + C per cell at stride 8, and a gradient step lowers the loss', () => {
    const model = buildDetector({ inputSize: 32, channels: 3, numClasses: 2, dropout: 0.1, seed: 1 });
    expect(gridSize(32)).toBe(4);
    expect(model.outputs[0]!.shape).toEqual([null, 4, 4, 7]);
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3);
    const y = tf.tensor4d(Float32Array.from([...encodeTargets([{ x: 0.1, y: 0.1, w: 0.3, h: 0.3, classIndex: 1, objectness: 1 }], 4, 2), ...encodeTargets([], 4, 2)]), [2, 4, 4, 8]);
    const opt = tf.train.adam(0.002);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) losses.push(opt.minimize(() => detectionLoss(model.apply(x, { training: true }) as tf.Tensor4D, y, 2).total, true, vars)!.dataSync()[0]!);
    expect(losses[19]!).toBeLessThan(losses[0]! * 0.5);
  });
});

describe('box student decoding and evaluation', () => {
  test('a cell decodes to its box, scored objectness x class probability', () => {
    const C = 2;
    const raw = new Float32Array(4 * (5 + C)).fill(0);
    for (let c = 0; c < 4; c++) raw[c * (5 + C)] = -10;
    raw.set([Math.log(9), 0, 0, 0, Math.log(1 / 3), 0, Math.log(3)], 2 * (5 + C)); // row 1, column 0
    const boxes = decodeGrid(raw, 2, C, { scoreThreshold: 0.25, iouThreshold: 0.45 });
    expect(boxes).toHaveLength(1);
    const b = boxes[0]!;
    expect(b.classIndex).toBe(1);
    expect(b.score).toBeCloseTo(0.9 * 0.75, 6);
    expect([b.x, b.y, b.w, b.h].map((v) => Number(v.toFixed(6)))).toEqual([0, 0.625, 0.5, 0.25]);
    expect(decodeGrid(raw, 2, C, { scoreThreshold: 0.7, iouThreshold: 0.45 })).toHaveLength(0);
  });

  test('AP@0.5 per class, mAP over classes with boxes, precision and recall at a threshold: hand-made predictions', () => {
    const A = { x: 0.1, y: 0.1, w: 0.2, h: 0.2 };
    const B = { x: 0.5, y: 0.5, w: 0.3, h: 0.3 };
    const truths = [[{ ...A, classIndex: 0 }], [{ ...B, classIndex: 0 }, { ...A, classIndex: 1 }]];
    const predictions = [
      [{ ...A, classIndex: 0, score: 0.9 }, { ...A, x: 0.11, classIndex: 0, score: 0.8 }], // a hit, then a duplicate
      [{ ...B, x: 0.52, classIndex: 0, score: 0.7 }, { x: 0.0, y: 0.7, w: 0.2, h: 0.2, classIndex: 0, score: 0.95 }, { ...A, classIndex: 1, score: 0.6 }],
    ];
    // Class 0 ranked: FP .95, TP .9, FP .8, TP .7 -> precision envelope 0.5 at recall 0.5 and 1: AP 0.5.
    expect(averagePrecision([{ score: 0.95, tp: false }, { score: 0.9, tp: true }, { score: 0.8, tp: false }, { score: 0.7, tp: true }], 2)).toBeCloseTo(0.5, 9);
    const e = evaluateDetections(predictions, truths, ['square', 'disc', 'none'], { scoreThreshold: 0.85 });
    expect(e.perClass.map((c) => c.ap)).toEqual([0.5, 1, null]);
    expect(e.map).toBeCloseTo(0.75, 9);
    expect(e.perClass[0]).toMatchObject({ precision: 0.5, recall: 0.5, support: 2 });
    expect(e.perClass[1]).toMatchObject({ precision: 0, recall: 0, support: 1 });
    expect(e.precision).toBeCloseTo(0.5, 9);
    expect(e.recall).toBeCloseTo(1 / 3, 9);
    expect(evaluateDetections([[]], [[{ ...A, classIndex: 0 }]], ['square']).map).toBe(0);
  });
});
