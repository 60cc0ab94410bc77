import { describe, expect, it } from 'vitest';
import { decodeRleString, encodeRleString, polygonBox, rleArea, rleBbox, rleFromBits, rleProblem, rleToBits } from './rle';

/** A 10x10 mask with rows 2..7 and columns 2..7 set (numpy's m[2:8, 2:8] = 1). */
function square(): Uint8Array {
  const bits = new Uint8Array(100);
  for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) bits[y * 10 + x] = 1;
  return bits;
}

describe('RLE masks (COCO, column-major)', () => {
  it('counts a row-major image column by column, starting with background', () => {
    const m = rleFromBits(square(), 10, 10, 'row');
    expect(m).toEqual({ counts: [22, 6, 4, 6, 4, 6, 4, 6, 4, 6, 4, 6, 22], width: 10, height: 10 });
    expect(rleToBits(m, 'row')).toEqual(square());
    // Column-major bits of the same mask, and a mask whose first pixel is foreground (a 0 run first).
    expect(rleFromBits(rleToBits(m), 10, 10).counts).toEqual(m.counts);
    expect(rleFromBits([1, 1, 0, 1], 2, 2).counts).toEqual([0, 2, 1, 1]);
  });

  it('encodes and decodes pycocotools strings (hand-computed from maskApi.c rleToString)', () => {
    // 22 -> "f0" (bit 0x10 set, so a second group), 6, 4, then deltas to the count two before: 0 ... 22-4=18 -> "b0".
    expect(encodeRleString([22, 6, 4, 6, 4, 6, 4, 6, 4, 6, 4, 6, 22])).toBe('f064000000000b0');
    // 100 -> "T3", 40 -> "X1", 30 -> "n0", then 20-40 = -20 -> "\O" and 10-30 = -20 -> "\O".
    expect(encodeRleString([100, 40, 30, 20, 10])).toBe('T3X1n0\\O\\O');
    expect(decodeRleString('T3X1n0\\O\\O')).toEqual([100, 40, 30, 20, 10]);
    expect(decodeRleString('f064000000000b0')).toEqual([22, 6, 4, 6, 4, 6, 4, 6, 4, 6, 4, 6, 22]);
    expect(decodeRleString('')).toEqual([]);
  });

  it('round-trips large and zero runs through the string form', () => {
    let s = 7;
    const rand = (n: number): number => {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      return s % n;
    };
    for (let t = 0; t < 200; t++) {
      const counts = Array.from({ length: 1 + rand(30) }, () => (rand(5) === 0 ? 0 : rand(rand(2) ? 50 : 2 ** 31)));
      expect(decodeRleString(encodeRleString(counts))).toEqual(counts);
    }
    expect(decodeRleString(encodeRleString([2 ** 31 - 1, 0, 2 ** 31 - 1, 1]))).toEqual([2 ** 31 - 1, 0, 2 ** 31 - 1, 1]);
  });

  it('says why a string or a counts list is not a mask', () => {
    expect(decodeRleString('T')).toEqual({ error: 'the compressed counts end inside a number (at character 1)' });
    expect(decodeRleString('3 2')).toEqual({ error: 'character 2 (" ") is not part of compressed RLE counts' });
    // 3, 2, 1, then a delta of -5 from 2: a negative run.
    expect(decodeRleString(`321${encodeRleString([0, 0, 0, -5]).slice(3)}`)).toEqual({ error: 'count 4 decodes to -3, a run cannot be negative' });
    expect(rleProblem([3, 2, 5], 5, 2)).toBeUndefined();
    expect(rleProblem([3, 2, 4], 5, 2)).toBe('the runs cover 9 pixels, the 5x2 mask has 10');
    expect(rleProblem([3, -2, 9], 5, 2)).toBe('run 2 is -2; runs are whole numbers >= 0');
    expect(rleProblem([3, 2.5, 4.5], 5, 2)).toBe('run 2 is 2.5; runs are whole numbers >= 0');
  });

  it('gives the area and the bounding box as pycocotools toBbox does', () => {
    const m = rleFromBits(square(), 10, 10, 'row');
    expect(rleArea(m.counts)).toBe(36);
    expect(rleBbox(m)).toEqual([2, 2, 6, 6]);
    // One run from the bottom of column 0 into the top of column 1 (h = 4): full height.
    expect(rleBbox({ counts: [3, 2, 3], width: 2, height: 4 })).toEqual([0, 0, 2, 4]);
    // Two runs in columns 1 and 3 of a 5-wide, 3-high mask.
    expect(rleBbox({ counts: [4, 1, 5, 2, 3], width: 5, height: 3 })).toEqual([1, 1, 3, 2]);
    expect(rleBbox({ counts: [4, 1, 10], width: 5, height: 3 })).toEqual([1, 1, 1, 1]);
    expect(rleBbox({ counts: [15], width: 5, height: 3 })).toBeUndefined();
    expect(rleBbox({ counts: [5, 0, 10], width: 5, height: 3 })).toBeUndefined();
  });

  it('boxes a polygon', () => {
    expect(polygonBox([[3, 4], [10, 1], [7, 9]])).toEqual({ x: 3, y: 1, w: 7, h: 8 });
    expect(polygonBox([])).toEqual({ x: 0, y: 0, w: 0, h: 0 });
  });
});
