import { describe, expect, test } from 'vitest';
import { iou, nonMaxSuppression } from '../annotation';
import { decodeYolo, detectYoloLayout } from './yolo-decode';

describe('box geometry', () => {
  test('IoU by hand', () => {
    expect(iou({ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 1, w: 2, h: 2 })).toBeCloseTo(1 / 7, 10);
    expect(iou({ x: 0, y: 0, w: 1, h: 1 }, { x: 2, y: 2, w: 1, h: 1 })).toBe(0);
    expect(iou({ x: 0, y: 0, w: 1, h: 1 }, { x: 0, y: 0, w: 1, h: 1 })).toBe(1);
  });
  test('NMS keeps the best of overlapping boxes of one class, never across classes', () => {
    const boxes = [
      { x: 0, y: 0, w: 0.5, h: 0.5, classIndex: 0, score: 0.9 },
      { x: 0.02, y: 0.02, w: 0.5, h: 0.5, classIndex: 0, score: 0.8 }, // same object, lower score
      { x: 0.02, y: 0.02, w: 0.5, h: 0.5, classIndex: 1, score: 0.7 }, // other class, same place
      { x: 0.6, y: 0.6, w: 0.3, h: 0.3, classIndex: 0, score: 0.6 }, // elsewhere
    ];
    expect(nonMaxSuppression(boxes, 0.5).map((b) => b.score)).toEqual([0.9, 0.7, 0.6]);
  });
});

describe('YOLO output decoding', () => {
  // Two classes, input 100x50. Box A: class 1 at centre (50, 25), 20x10, strong; box A': a
  // duplicate of A a little weaker; box B: class 0 at (10, 10), 10x10; box C: below threshold.
  const rows = [
    { cx: 50, cy: 25, w: 20, h: 10, obj: 0.9, scores: [0.1, 0.9] },
    { cx: 51, cy: 25, w: 20, h: 10, obj: 0.8, scores: [0.1, 0.9] },
    { cx: 10, cy: 10, w: 10, h: 10, obj: 0.95, scores: [0.8, 0.2] },
    { cx: 80, cy: 40, w: 10, h: 10, obj: 0.1, scores: [0.5, 0.5] },
  ];
  const options = { inputWidth: 100, inputHeight: 50, scoreThreshold: 0.25, iouThreshold: 0.5 };
  const expected = [
    { classIndex: 1, score: 0.81, x: 0.4, y: 0.4, w: 0.2, h: 0.2 },
    { classIndex: 0, score: 0.76, x: 0.05, y: 0.1, w: 0.1, h: 0.2 },
  ];
  const check = (got: { classIndex: number; score: number; x: number; y: number; w: number; h: number }[]) => {
    expect(got).toHaveLength(2);
    got.forEach((g, i) => {
      const e = expected[i]!;
      expect(g.classIndex).toBe(e.classIndex);
      for (const k of ['score', 'x', 'y', 'w', 'h'] as const) expect(g[k]).toBeCloseTo(e[k], 6);
    });
  };

  test('v5 layout [batch, boxes, 5 + classes] with objectness', () => {
    const data = Float32Array.from(rows.flatMap((r) => [r.cx, r.cy, r.w, r.h, r.obj, ...r.scores]));
    const dims = [1, 4, 7];
    expect(detectYoloLayout(dims, 2)).toBe('v5');
    check(decodeYolo(data, dims, 0, 'v5', options));
  });

  test('v8 layout [batch, 4 + classes, boxes], channel-first, no objectness', () => {
    // v8 has no objectness: give it the v5 products as class scores.
    const attrs = (r: (typeof rows)[number]) => [r.cx, r.cy, r.w, r.h, ...r.scores.map((s) => s * r.obj)];
    const perBox = rows.map(attrs);
    const data = new Float32Array(6 * 4);
    perBox.forEach((v, box) => v.forEach((value, attr) => (data[attr * 4 + box] = value)));
    const dims = [1, 6, 4];
    expect(detectYoloLayout(dims, 2)).toBe('v8');
    check(decodeYolo(data, dims, 0, 'v8', options));
  });

  test('shapes that are no known layout are not taken for one', () => {
    expect(detectYoloLayout([1, 10], 2)).toBeNull();
    expect(detectYoloLayout([1, 4, 9], 2)).toBeNull();
    expect(detectYoloLayout([1, 25200, 85], null)).toBe('v5');
    expect(detectYoloLayout([1, 84, 8400], null)).toBe('v8');
  });
});
