import { describe, expect, test } from 'vitest';
import {
  adjustBrightness,
  adjustContrast,
  affine,
  augmentBatch,
  colorJitter,
  createRng,
  cropResizeImage,
  cutMix,
  flipHorizontal,
  flipImage,
  imageAt,
  parseAugmentList,
  randAugment,
  randomResizedCrop,
  rotate,
  rotateImage,
  RANDAUGMENT_OPS,
  applyRandAugmentOp,
  augmentPreview,
  type ImageBatch,
  type ImageView,
} from './index.js';

/** n random images with one-hot labels over k classes (class i % k). */
function makeBatch(n: number, h: number, w: number, c: number, k = 3, seed = 1): ImageBatch {
  const rng = createRng(seed);
  const images = new Float32Array(n * h * w * c);
  for (let i = 0; i < images.length; i++) images[i] = rng.next();
  const labels = new Float32Array(n * k);
  for (let i = 0; i < n; i++) labels[i * k + (i % k)] = 1;
  return { images, labels, n, height: h, width: w, channels: c };
}

function expectInUnitRange(values: Float32Array) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  expect(lo).toBeGreaterThanOrEqual(0);
  expect(hi).toBeLessThanOrEqual(1);
}

const FULL = parseAugmentList('flip,rotate:15,crop:0.8,color:0.2,affine,cutmix:1.0:1,randaugment:2:9');

describe('identities', () => {
  const batch = makeBatch(4, 9, 7, 3);
  const image = imageAt(batch, 1);

  test('flip twice returns the original image, and flip moves pixels left to right', () => {
    const once = flipImage(image);
    expect(once).not.toEqual(image.data);
    // Pixel (row 2, col 0) lands at (row 2, col 6).
    expect(Array.from(once.subarray((2 * 7 + 6) * 3, (2 * 7 + 7) * 3))).toEqual(
      Array.from(image.data.subarray(2 * 7 * 3, 2 * 7 * 3 + 3)),
    );
    expect(flipImage({ ...image, data: once })).toEqual(image.data);
    const rng = createRng(3);
    const twice = flipHorizontal(flipHorizontal(batch, rng, { p: 1 }), rng, { p: 1 });
    expect(twice.images).toEqual(batch.images);
  });

  test('rotate by 0 degrees is the identity with either fill', () => {
    expect(rotateImage(image, 0, 'zero')).toEqual(image.data);
    expect(rotateImage(image, 0, 'edge')).toEqual(image.data);
    expect(rotate(batch, createRng(1), { degrees: 0, fill: 'zero' }).images).toEqual(batch.images);
  });

  test('rotating a square image by 90 degrees moves the top-left corner to the bottom-left', () => {
    const sq = imageAt(makeBatch(1, 6, 6, 1), 0);
    const r = rotateImage(sq, 90, 'zero');
    expect(r[5 * 6 + 0]).toBeCloseTo(sq.data[0] as number, 5);
  });

  test('random resized crop with scale 1 and ratio 1 is the identity on a square image', () => {
    const sq = makeBatch(3, 8, 8, 3);
    const out = randomResizedCrop(sq, createRng(5), { scale: [1, 1], ratio: [1, 1] });
    expect(out.images).toEqual(sq.images);
    expect(cropResizeImage(image, { x: 0, y: 0, width: 7, height: 9 })).toEqual(image.data);
  });

  test('brightness factor 1 and contrast factor 1 are the identity', () => {
    expect(adjustBrightness(image, 1)).toEqual(image.data);
    expect(adjustContrast(image, 1)).toEqual(image.data);
    expect(colorJitter(batch, createRng(2), { brightness: 0, contrast: 0 }).images).toEqual(batch.images);
  });

  test('contrast 0 gives a flat image at the mean gray level', () => {
    const gray: ImageView = { data: new Float32Array([0, 0.5, 1, 0.5]), height: 2, width: 2, channels: 1 };
    expect(Array.from(adjustContrast(gray, 0))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  test('an empty config copies the batch', () => {
    const out = augmentBatch(batch, {}, createRng(1));
    expect(out.images).toEqual(batch.images);
    expect(out.labels).toEqual(batch.labels);
    expect(out.images).not.toBe(batch.images);
  });
});

describe('labels and ranges', () => {
  const batch = makeBatch(6, 10, 10, 3);

  test('geometric and color ops leave labels untouched and never mutate the input', () => {
    const before = batch.images.slice();
    const rng = createRng(7);
    const outs = [
      flipHorizontal(batch, rng, { p: 0.5 }),
      rotate(batch, rng, { degrees: 30, fill: 'edge' }),
      randomResizedCrop(batch, rng, { scale: [0.3, 1], ratio: [0.75, 4 / 3] }),
      affine(batch, rng, { shearDegrees: 20, translate: 0.2, fill: 'zero' }),
      colorJitter(batch, rng, { brightness: 0.5, contrast: 0.5 }),
      randAugment(batch, rng, { n: 3, m: 10 }),
    ];
    for (const out of outs) {
      expect(out.labels).toEqual(batch.labels);
      expect(out.images).not.toEqual(batch.images);
      expectInUnitRange(out.images);
    }
    expect(batch.images).toEqual(before);
  });

  test('every RandAugment op at full magnitude keeps values in [0, 1]', () => {
    const image = imageAt(batch, 0);
    for (const op of RANDAUGMENT_OPS) {
      for (const sign of [1, -1] as const) expectInUnitRange(applyRandAugmentOp(image, op, 10, sign));
    }
  });

  test('the full pipeline keeps values in [0, 1] and label rows summing to 1', () => {
    const out = augmentBatch(batch, FULL, createRng(11));
    expectInUnitRange(out.images);
    for (let i = 0; i < out.n; i++) {
      const row = out.labels.subarray(i * 3, i * 3 + 3);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });
});

describe('CutMix', () => {
  // Constant images with distinct values per image, so each output pixel tells which image it came from.
  function constantBatch(n: number, h: number, w: number, k: number): ImageBatch {
    const size = h * w * 2;
    const images = new Float32Array(n * size);
    for (let i = 0; i < n; i++) images.fill((i + 1) / (n + 1), i * size, (i + 1) * size);
    const labels = new Float32Array(n * k);
    for (let i = 0; i < n; i++) labels[i * k + i] = 1;
    return { images, labels, n, height: h, width: w, channels: 2 };
  }

  test('label weights equal the exact share of pasted pixels and rows sum to 1', () => {
    const n = 5;
    const batch = constantBatch(n, 12, 9, n);
    let mixedImages = 0;
    for (let seed = 0; seed < 20; seed++) {
      const out = cutMix(batch, createRng(seed), { alpha: 1, p: 1 });
      for (let i = 0; i < n; i++) {
        const counts = new Array<number>(n).fill(0);
        for (let p = 0; p < 12 * 9; p++) {
          const v = out.images[i * 12 * 9 * 2 + p * 2] as number;
          counts[Math.round(v * (n + 1)) - 1]! += 1;
        }
        const row = out.labels.subarray(i * n, (i + 1) * n);
        for (let c = 0; c < n; c++) expect(row[c]).toBe(Math.fround((counts[c] as number) / (12 * 9)));
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
        if ((row[i] as number) < 1) mixedImages++;
      }
    }
    expect(mixedImages).toBeGreaterThan(50);
  });

  test('p = 0 changes nothing', () => {
    const batch = constantBatch(4, 5, 5, 4);
    const out = cutMix(batch, createRng(1), { alpha: 1, p: 0 });
    expect(out.images).toEqual(batch.images);
    expect(out.labels).toEqual(batch.labels);
  });
});

describe('reproducibility', () => {
  const batch = makeBatch(4, 8, 8, 3);

  test('the same seed gives the same output; a different seed a different one', () => {
    const a = augmentBatch(batch, FULL, createRng(42));
    const b = augmentBatch(batch, FULL, createRng(42));
    const c = augmentBatch(batch, FULL, createRng(43));
    expect(b.images).toEqual(a.images);
    expect(b.labels).toEqual(a.labels);
    expect(c.images).not.toEqual(a.images);
  });

  test('turning one op off does not change the random choices of the others', () => {
    const withCutmix = parseAugmentList('crop:0.5,rotate:20,cutmix:1:0');
    const without = parseAugmentList('crop:0.5,rotate:20');
    expect(augmentBatch(batch, withCutmix, createRng(9)).images).toEqual(augmentBatch(batch, without, createRng(9)).images);
  });
});

describe('preview', () => {
  test('tiles 8 versions of one image in a 4 x 2 mosaic separated by gaps', () => {
    const image = imageAt(makeBatch(1, 6, 5, 3), 0);
    const grid = augmentPreview(image, parseAugmentList('flip,rotate:20'), { seed: 1 });
    expect([grid.height, grid.width, grid.channels]).toEqual([2 * 6 + 2, 4 * 5 + 3 * 2, 3]);
    expect(grid.data[(0 * grid.width + 5) * 3]).toBe(1); // gap column after the first tile
    expectInUnitRange(grid.data);
    const none = augmentPreview(image, {}, { count: 2, columns: 2, gap: 0 });
    expect(Array.from(none.data.subarray(0, 5 * 3))).toEqual(Array.from(image.data.subarray(0, 5 * 3)));
    expect(augmentPreview(image, parseAugmentList('flip,rotate:20'), { seed: 1 }).data).toEqual(grid.data);
  });
});
