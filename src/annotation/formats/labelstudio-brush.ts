/**
 * Label Studio's brush masks (`brushlabels`, `value.format: "rle"`): the RGBA pixels of the
 * original_width x original_height image, row by row, packed by thi.ng's rle-pack
 * (https://github.com/thi-ng/umbrella/tree/develop/packages/rle-pack), which is what the Label
 * Studio frontend writes and label-studio-converter's `decode_rle` reads:
 *   32 bits  number of values       5 bits  word size - 1        4 x 4 bits  run-length sizes - 1
 *   then until all values are out: 1 bit "repeat", 2 bits which run-length size, that many bits
 *   n (the run is n + 1 values long), then one word (repeat) or n + 1 words (literals).
 * Bits are read most significant first. The mask is the alpha channel (every 4th value) > 0.
 */
import type { RleMask } from './dataset';
import { rleFromBits } from './rle';

class Bits {
  private pos = 0;
  constructor(private readonly bytes: readonly number[]) {}

  get left(): number {
    return this.bytes.length * 8 - this.pos;
  }

  /** `n` bits (n <= 32) as a number, most significant first. */
  read(n: number): number {
    let v = 0;
    for (let k = 0; k < n; k++) {
      const byte = this.bytes[this.pos >> 3]!;
      v = v * 2 + ((byte >> (7 - (this.pos & 7))) & 1);
      this.pos++;
    }
    return v;
  }
}

/** A Label Studio brush RLE -> the mask in COCO's column-major runs, or the reason it is not one. */
export function decodeBrushRle(rle: unknown, width: number, height: number): RleMask | { error: string } {
  if (!Array.isArray(rle) || !rle.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return { error: 'value.rle must be a list of bytes (0..255)' };
  }
  const input = new Bits(rle as number[]);
  if (input.left < 32 + 5 + 16) return { error: 'the brush RLE is too short for its header' };
  const num = input.read(32);
  const wordSize = input.read(5) + 1;
  const sizes = [0, 1, 2, 3].map(() => input.read(4) + 1);
  if (num !== width * height * 4) {
    return { error: `the brush RLE holds ${num} values, but a ${width}x${height} RGBA image has ${width * height * 4}` };
  }
  const alpha = new Uint8Array(width * height);
  let i = 0;
  const put = (value: number, from: number, to: number): void => {
    // Only the alpha values matter: value index 4p + 3 is pixel p's alpha.
    if (value === 0) return;
    for (let k = from; k < to; k++) if ((k & 3) === 3) alpha[k >> 2] = 1;
  };
  while (i < num) {
    if (input.left < 3) return { error: `the brush RLE ends after ${i} of ${num} values` };
    const repeat = input.read(1);
    const size = sizes[input.read(2)]!;
    if (input.left < size) return { error: `the brush RLE ends after ${i} of ${num} values` };
    const j = Math.min(num, i + 1 + input.read(size));
    if (repeat) {
      if (input.left < wordSize) return { error: `the brush RLE ends after ${i} of ${num} values` };
      put(input.read(wordSize), i, j);
      i = j;
    } else {
      for (; i < j; i++) {
        if (input.left < wordSize) return { error: `the brush RLE ends after ${i} of ${num} values` };
        put(input.read(wordSize), i, i + 1);
      }
    }
  }
  // Row-major pixels -> COCO runs down each column, starting with background.
  return rleFromBits(alpha, width, height, 'row');
}
