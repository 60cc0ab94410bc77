/**
 * Hand-written wasm SIMD body of the leading-axes Sum (bias gradients): column sums of a
 * [rows, cols] float32 matrix, cols divisible by 4, computed per block of rows.
 *
 * out[k, j] = sum of x[r, j] for r in block k (rows blockRows*k ... blockRows*(k+1)-1). The caller
 * adds the few block sums in float64, so rounding error grows with the block length, not with the
 * number of rows. Each row is read once, contiguously, four columns per instruction; the running
 * block sums live in `out`'s current row, which stays in L1.
 *
 * Signature: (x, out, rows, cols, blockRows), pointers as byte offsets into the shared memory.
 */
import { FunctionBuilder } from './wasm-assembler.js';

export function columnBlockSumsFunction(): FunctionBuilder {
  const f = new FunctionBuilder('columnBlockSums', 5);
  const [X, OUT, ROWS, COLS, BLOCK] = [0, 1, 2, 3, 4];
  const r = f.local('i32');
  const inBlock = f.local('i32'); // row index within the current block
  const j = f.local('i32'); // byte offset within a row
  const rowB = f.local('i32');
  const px = f.local('i32');
  const po = f.local('i32'); // start of the current block's row in out

  f.get(COLS).i32(4).mul().set(rowB);
  f.get(X).set(px);
  f.get(OUT).set(po);
  f.i32(0).set(inBlock);
  f.forRange(r, () => f.i32(0), () => f.get(ROWS), () => f.i32(1), () => {
    // A full block moves on to the next row of out.
    f.get(inBlock).get(BLOCK).geS().if();
    f.i32(0).set(inBlock);
    f.get(po).get(rowB).add().set(po);
    f.end();
    // The first row of a block initialises its sums, later rows add to them.
    f.get(inBlock).if();
    f.forRange(j, () => f.i32(0), () => f.get(rowB), () => f.i32(16), () => {
      f.get(po).get(j).add();
      f.get(po).get(j).add().v128Load();
      f.get(px).get(j).add().v128Load();
      f.f32x4Add();
      f.v128Store();
    });
    f.else();
    f.forRange(j, () => f.i32(0), () => f.get(rowB), () => f.i32(16), () => {
      f.get(po).get(j).add();
      f.get(px).get(j).add().v128Load();
      f.v128Store();
    });
    f.end();
    f.get(px).get(rowB).add().set(px);
    f.get(inBlock).i32(1).add().set(inBlock);
  });
  return f;
}
