import { describe, expect, test } from 'vitest';
import { autocontrast, equalize, posterize, solarize, type ImageView } from './index.js';

const view = (values: number[], channels = 1): ImageView => ({
  data: new Float32Array(values),
  height: 1,
  width: values.length / channels,
  channels,
});

describe('tone ops (RandAugment)', () => {
  test('solarize inverts values above the threshold; threshold 1 is the identity', () => {
    const img = view([0.2, 0.5, 0.9, 1]);
    expect(Array.from(solarize(img, 0.5))).toEqual([img.data[0], 0.5, Math.fround(1 - (img.data[2] as number)), 0]);
    expect(solarize(img, 1)).toEqual(img.data);
  });

  test('posterize keeps the top bits of the 8-bit level', () => {
    // 0.3 -> level 77 = 0b01001101 -> 1 bit: 0; 0.7 -> 179 = 0b10110011 -> 1 bit: 128, 2 bits: 128, 3 bits: 160.
    expect(Array.from(posterize(view([0.3, 0.7]), 1))).toEqual([0, Math.fround(128 / 255)]);
    expect(Array.from(posterize(view([0.7]), 3))).toEqual([Math.fround(160 / 255)]);
    expect(() => posterize(view([0.5]), 0)).toThrow(/1..8/);
  });

  test('autocontrast stretches each channel to [0, 1] and leaves flat channels alone', () => {
    const out = autocontrast(view([0.2, 0.5, 0.6, 0.5, 0.4, 0.5], 2));
    expect(Array.from(out).map((v) => Number(v.toFixed(5)))).toEqual([0, 0.5, 1, 0.5, 0.5, 0.5]);
  });

  test('equalize spreads four crowded levels over the whole range (PIL algorithm)', () => {
    // 784 pixels (28 x 28), levels 100..103, 196 each: step = floor((784 - 196) / 255) = 2,
    // lut[100] = floor(1 / 2) = 0, lut[101] = floor(197 / 2) = 98, lut[102] = floor(393 / 2) = 196,
    // lut[103] = min(255, floor(589 / 2)) = 255.
    const values = Array.from({ length: 784 }, (_, i) => (100 + Math.floor(i / 196)) / 255);
    const out = equalize({ data: new Float32Array(values), height: 28, width: 28, channels: 1 });
    expect([out[0], out[196], out[392], out[588]]).toEqual([0, 98, 196, 255].map((l) => Math.fround(l / 255)));
    // A single level has no histogram to equalize.
    expect(equalize(view([0.4, 0.4, 0.4]))).toEqual(new Float32Array([0.4, 0.4, 0.4]));
  });
});
