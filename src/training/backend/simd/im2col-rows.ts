/**
 * Hand-written wasm SIMD im2col in row layout, for Conv2DBackpropFilter when Cin % 4 === 0:
 * cols[m, (i*kw + j)*cin + c] = x[b, y*sh + i*dh - top, xo*sw + j*dw - left, c] (0 in the padding)
 * for output pixels m = ((b - first)*ho + y)*wo + xo. Each (pixel, tap) is one contiguous copy of
 * Cin floats, four at a time; the gather that JavaScript had to do float by float (into the
 * transposed layout) is left to one XNNPACK transpose inside the matrix product.
 *
 * Signature: (x, cols, first, count, h, w, cin, ho, wo, kh, kw, sh, sw, dh, dw, top, left);
 * x and cols are byte offsets into the shared memory.
 */
import { FunctionBuilder } from './wasm-assembler.js';

export function im2colRowsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('im2colRows', 17);
  const [X, COLS, FIRST, COUNT, H, W, CIN, HO, WO, KH, KW, SH, SW, DH, DW, TOP, LEFT] =
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const b = f.local('i32');
  const y = f.local('i32');
  const xo = f.local('i32');
  const i = f.local('i32');
  const j = f.local('i32');
  const r = f.local('i32');
  const col = f.local('i32');
  const k = f.local('i32'); // byte offset within the Cin run
  const runB = f.local('i32'); // Cin * 4
  const dst = f.local('i32');
  const src = f.local('i32');
  const end = f.local('i32');

  f.get(CIN).i32(4).mul().set(runB);
  f.get(COLS).set(dst);
  f.get(FIRST).get(COUNT).add().set(end);
  f.forRange(b, () => f.get(FIRST), () => f.get(end), () => f.i32(1), () => {
    f.forRange(y, () => f.i32(0), () => f.get(HO), () => f.i32(1), () => {
      f.forRange(xo, () => f.i32(0), () => f.get(WO), () => f.i32(1), () => {
        f.forRange(i, () => f.i32(0), () => f.get(KH), () => f.i32(1), () => {
          // r = y*sh + i*dh - top
          f.get(y).get(SH).mul().get(i).get(DH).mul().add().get(TOP).sub().set(r);
          f.forRange(j, () => f.i32(0), () => f.get(KW), () => f.i32(1), () => {
            f.get(xo).get(SW).mul().get(j).get(DW).mul().add().get(LEFT).sub().set(col);
            // Inside the image: unsigned r < h and col < w (negative values wrap to huge).
            f.get(r).get(H).ltU().get(col).get(W).ltU().and();
            f.if();
            // src = x + ((b*h + r)*w + col) * cin * 4
            f.get(b).get(H).mul().get(r).add().get(W).mul().get(col).add().get(runB).mul().get(X).add().set(src);
            f.forRange(k, () => f.i32(0), () => f.get(runB), () => f.i32(16), () => {
              f.get(dst).get(k).add();
              f.get(src).get(k).add().v128Load();
              f.v128Store();
            });
            f.else();
            f.forRange(k, () => f.i32(0), () => f.get(runB), () => f.i32(16), () => {
              f.get(dst).get(k).add();
              f.v128Zero();
              f.v128Store();
            });
            f.end();
            f.get(dst).get(runB).add().set(dst);
          });
        });
      });
    });
  });
  return f;
}
