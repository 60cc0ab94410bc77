import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resample, type RawPixels, type ResampleFilter } from './resample';

const gray = (width: number, height: number, values: number[]): RawPixels => ({ data: Uint8Array.from(values), width, height, channels: 1 });
const rows = (img: RawPixels) => Array.from({ length: img.height }, (_, y) => Array.from(img.data.subarray(y * img.width * img.channels, (y + 1) * img.width * img.channels)));

/** v(x, y) = 10 x + 40 y on a 4x4 grid. */
const ramp = gray(4, 4, Array.from({ length: 16 }, (_, i) => 10 * (i % 4) + 40 * Math.floor(i / 4)));

describe('resampling by the filter definitions (worked out by hand)', () => {
  test('bilinear 2x2 -> 4x4 enlarges with the triangle filter at centres (i + 0.5) * scale', () => {
    // scale 0.5, support 1. Output i is centred on c = (i + 0.5) / 2; taps trunc(c - 1 + 0.5) ..
    // trunc(c + 1 + 0.5), clipped to [0, 2); weight of tap x = 1 - |x - c + 0.5|, normalised:
    //   i = 0: c = 0.25, tap 0 only -> a;            i = 1: c = 0.75, taps 0, 1 -> 0.75 a + 0.25 b;
    //   i = 2: c = 1.25 -> 0.25 a + 0.75 b;          i = 3: c = 1.75, tap 1 only -> b.
    // Rows [0, 255] and [255, 0] -> [0, 63.75, 191.25, 255] and back, rounded half up: 64, 191.
    // Then the columns of that uint8 image the same way: column 1 is [64, 191] ->
    //   0.75 * 64 + 0.25 * 191 = 95.75 -> 96, 0.25 * 64 + 0.75 * 191 = 159.25 -> 159.
    expect(rows(resample(gray(2, 2, [0, 255, 255, 0]), 4, 4, 'bilinear'))).toEqual([
      [0, 64, 191, 255],
      [64, 96, 159, 191],
      [191, 159, 96, 64],
      [255, 191, 64, 0],
    ]);
  });

  test('bilinear rounds a half up (fixed point: a start of one half, then the shift)', () => {
    // [0, 2] -> i = 1: 0.75 * 0 + 0.25 * 2 = 0.5 -> 1; i = 2: 1.5 -> 2.
    expect(rows(resample(gray(2, 1, [0, 2]), 4, 1, 'bilinear'))).toEqual([[0, 1, 2, 2]]);
  });

  test('bilinear 4x4 -> 2x2 antialiases: the triangle is stretched by the downscale factor', () => {
    // scale 2: filterscale 2, support 2. i = 0: c = 1, taps trunc(-0.5) = 0 .. trunc(3.5) = 3, so
    // x = 0, 1, 2 with weights 1 - |x - 1 + 0.5| / 2 = 0.75, 0.75, 0.25 -> 3/7, 3/7, 1/7.
    // i = 1: c = 3, taps 1 .. min(5, 4): x = 1, 2, 3 -> 1/7, 3/7, 3/7.
    // Row [40y, 40y+10, 40y+20, 40y+30] -> (280y + 50) / 7 = 40y + 7.14 -> 40y + 7 and
    // (280y + 160) / 7 = 40y + 22.86 -> 40y + 23. Columns [7, 47, 87, 127] and [23, 63, 103, 143]:
    //   (3*7 + 3*47 + 87) / 7 = 35.57 -> 36, (47 + 3*87 + 3*127) / 7 = 98.43 -> 98,
    //   (3*23 + 3*63 + 103) / 7 = 51.57 -> 52, (63 + 3*103 + 3*143) / 7 = 114.43 -> 114.
    expect(rows(resample(ramp, 2, 2, 'bilinear'))).toEqual([
      [36, 52],
      [98, 114],
    ]);
  });

  test('area (PIL BOX) 4x4 -> 2x2 averages 2x2 blocks', () => {
    // scale 2, support 0.5 * 2 = 1: i = 0 takes x = 0, 1 (box(-0.25) = box(0.25) = 1), i = 1 takes 2, 3.
    // Rows -> [40y + 5, 40y + 25]; columns -> (5 + 45) / 2 = 25, (85 + 125) / 2 = 105, 45, 125.
    expect(rows(resample(ramp, 2, 2, 'area'))).toEqual([
      [25, 45],
      [105, 125],
    ]);
  });

  test('nearest picks floor((i + 0.5) * scale)', () => {
    // 4 -> 2: x = 1, 3 (values 10 + 40 = 50, 30 + 40 = 70, 10 + 120 = 130, 30 + 120 = 150).
    expect(rows(resample(ramp, 2, 2, 'nearest'))).toEqual([
      [50, 70],
      [130, 150],
    ]);
    // 2 -> 4: x = floor(0.25), floor(0.75), floor(1.25), floor(1.75) = 0, 0, 1, 1.
    expect(rows(resample(gray(2, 1, [7, 9]), 4, 1, 'nearest'))).toEqual([[7, 7, 9, 9]]);
  });

  test('lanczos (a = 3) 2 -> 4 overshoots as the windowed sinc does', () => {
    // L(x) = sinc(x) sinc(x / 3). i = 0: c = 0.25, taps 0, 1 at L(0.25) = 0.890067 and
    // L(1.25) = -0.132873 -> normalised 1.175478, -0.175478: 100 * 1.175478 - 200 * 0.175478 = 82.45 -> 82.
    // i = 1: c = 0.75: L(-0.25) = 0.890067, L(0.75) = 0.270190 -> 0.767129, 0.232871: 123.29 -> 123.
    // i = 2, 3 mirror them: 176.71 -> 177, 217.55 -> 218.
    expect(rows(resample(gray(2, 1, [100, 200]), 4, 1, 'lanczos'))).toEqual([[82, 123, 177, 218]]);
    // And the overshoot is clipped: [0, 255] -> 255 * -0.175478 < 0 -> 0.
    expect(resample(gray(2, 1, [0, 255]), 4, 1, 'lanczos').data[0]).toBe(0);
  });

  test('each channel of an RGB image is resampled on its own; an unchanged size is a copy', () => {
    const rgb: RawPixels = { data: Uint8Array.from([0, 10, 255, 255, 20, 0]), width: 2, height: 1, channels: 3 };
    // Channel 0 [0, 255] -> [0, 64, 191, 255]; channel 1 [10, 20] -> [10, 12.5 -> 13, 17.5 -> 18, 20]; channel 2 mirrors 0.
    expect(Array.from(resample(rgb, 4, 1, 'bilinear').data)).toEqual([0, 10, 255, 64, 13, 191, 191, 18, 64, 255, 20, 0]);
    const same = resample(rgb, 2, 1, 'lanczos');
    expect(Array.from(same.data)).toEqual(Array.from(rgb.data));
    expect(same.data).not.toBe(rgb.data);
  });
});

/**
 * A python3 with Pillow (the reference; the case is skipped without it): the one on PATH, or
 * Debian's (python3-pil), which a pyenv shim first on PATH may hide.
 */
const PYTHON = [process.env.PYTHON, 'python3', '/usr/bin/python3'].find((py) => {
  if (!py) return false;
  try {
    execFileSync(py, ['-c', 'import PIL'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

/** Reads requests from argv (a raw file per case), writes Pillow's resized bytes beside each. */
const PIL_SCRIPT = `
import sys
from PIL import Image
FILTERS = {'bilinear': Image.BILINEAR, 'nearest': Image.NEAREST, 'area': Image.BOX, 'lanczos': Image.LANCZOS}
for spec in sys.argv[1:]:
    path, w, h, c, ow, oh, f = spec.split(',')
    im = Image.frombytes('L' if c == '1' else 'RGB', (int(w), int(h)), open(path, 'rb').read())
    open(path + '.' + f + '.out', 'wb').write(im.resize((int(ow), int(oh)), FILTERS[f]).tobytes())
`;

describe.skipIf(!PYTHON)("against Pillow's Image.resize (python3 with PIL at run time)", () => {
  test('every filter, enlarging, shrinking by non-integer factors and both at once, gray and RGB: the same bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resample-'));
    try {
      let seed = 12345;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >> 8) & 255;
      const sizes: [number, number, number, number, number][] = [
        [28, 28, 1, 64, 64], // Fashion-MNIST to a 64x64 teacher
        [37, 23, 1, 16, 16],
        [50, 40, 3, 64, 20],
        [33, 47, 3, 20, 31],
        [33, 47, 3, 70, 90],
        [300, 200, 3, 224, 149],
        [9, 5, 1, 3, 2],
      ];
      const filters: ResampleFilter[] = ['bilinear', 'nearest', 'area', 'lanczos'];
      const cases = sizes.flatMap(([w, h, c, ow, oh], i) => {
        // Smooth gradients plus noise: the filters' differences show on both.
        const data = Uint8Array.from({ length: w * h * c }, (_, j) => ((Math.floor(j / c) % w) * 7 + Math.floor(j / (w * c)) * 3 + (random() >> 2)) & 255);
        const path = join(dir, `img${i}.raw`);
        writeFileSync(path, data);
        return filters.map((f) => ({ path, src: { data, width: w, height: h, channels: c }, ow, oh, f }));
      });
      execFileSync(PYTHON!, ['-c', PIL_SCRIPT, ...cases.map((k) => `${k.path},${k.src.width},${k.src.height},${k.src.channels},${k.ow},${k.oh},${k.f}`)]);
      const results = cases.map((k) => {
        const expected = readFileSync(`${k.path}.${k.f}.out`);
        const got = resample(k.src, k.ow, k.oh, k.f).data;
        const name = `${k.src.width}x${k.src.height}x${k.src.channels} -> ${k.ow}x${k.oh} ${k.f}`;
        return { name, bytes: expected.length === got.length, differing: got.filter((v, j) => v !== expected[j]).length };
      });
      expect(results).toEqual(results.map((r) => ({ ...r, bytes: true, differing: 0 })));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
