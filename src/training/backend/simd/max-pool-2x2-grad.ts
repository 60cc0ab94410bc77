/**
 * Hand-written wasm SIMD body of MaxPoolGrad for 2x2 windows with stride 2, no padding, and a
 * channel count divisible by 4 (see ../wasm-kernels/max-pool-grad.ts for the semantics and the
 * JavaScript paths used otherwise).
 *
 * Four channels at a time: the window's four values are compared in row-major order against the
 * running maximum (`v > best`, so the first maximum wins and NaN never does), which yields one lane
 * mask per window position; each of the four dx positions is then stored as `dy & mask`. No data-
 * dependent branches (which cost the scalar JavaScript loop most of its time) and no scatter:
 * non-overlapping windows write every dx value they cover exactly once.
 *
 * Signature: (x, dy, dx, batch, h, w, c, ho, wo), pointers as byte offsets into the shared memory.
 */
import { FunctionBuilder } from './wasm-assembler.js';

export function maxPool2x2GradFunction(): FunctionBuilder {
  const f = new FunctionBuilder('maxPool2x2Grad', 9);
  const [X, DY, DX, BATCH, H, W, C, HO, WO] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const b = f.local('i32');
  const yo = f.local('i32');
  const xo = f.local('i32');
  const d = f.local('i32');
  const cB = f.local('i32'); // channel stride in bytes: one pixel
  const rowB = f.local('i32'); // input row stride in bytes
  const px = f.local('i32'); // x address of the window's top-left, current channel group
  const pd = f.local('i32'); // same place in dx
  const pg = f.local('i32'); // dy address, current channel group
  const best = f.local('v128');
  const g0 = f.local('v128');
  const g1 = f.local('v128');
  const g2 = f.local('v128');
  const g3 = f.local('v128');
  const v = f.local('v128');
  const dyv = f.local('v128');

  f.get(C).i32(4).mul().set(cB);
  f.get(W).get(cB).mul().set(rowB);

  const loadAt = (offsetLocal: number | null, extra: number | null) => {
    f.get(px);
    if (offsetLocal !== null) f.get(offsetLocal).add();
    if (extra !== null) f.get(extra).add();
    f.v128Load();
  };
  /** g = v > best; best = g ? v : best (lane-wise) */
  const compare = (g: number, updateBest: boolean) => {
    f.set(v);
    f.get(v).get(best).f32x4Gt().set(g);
    if (updateBest) f.get(v).get(best).get(g).v128Bitselect().set(best);
  };
  const storeAt = (offsetLocal: number | null, extra: number | null, mask: () => void) => {
    f.get(pd);
    if (offsetLocal !== null) f.get(offsetLocal).add();
    if (extra !== null) f.get(extra).add();
    f.get(dyv);
    mask();
    f.v128And();
    f.v128Store();
  };

  f.forRange(b, () => f.i32(0), () => f.get(BATCH), () => f.i32(1), () => {
    f.forRange(yo, () => f.i32(0), () => f.get(HO), () => f.i32(1), () => {
      // px = x + (b*h + 2*yo) * rowB; pd likewise in dx; pg = dy + (b*ho + yo) * wo * cB
      f.get(b).get(H).mul().get(yo).get(yo).add().add().get(rowB).mul().set(px);
      f.get(px).get(DX).add().set(pd);
      f.get(px).get(X).add().set(px);
      f.get(b).get(HO).mul().get(yo).add().get(WO).mul().get(cB).mul().get(DY).add().set(pg);
      f.forRange(xo, () => f.i32(0), () => f.get(WO), () => f.i32(1), () => {
        f.forRange(d, () => f.i32(0), () => f.get(cB), () => f.i32(16), () => {
          f.f32Const(-Infinity).f32x4Splat().set(best);
          loadAt(null, null); compare(g0, true);
          loadAt(cB, null); compare(g1, true);
          loadAt(rowB, null); compare(g2, true);
          loadAt(rowB, cB); compare(g3, false);
          f.get(pg).v128Load().set(dyv);
          storeAt(null, null, () => f.get(g0).get(g1).v128AndNot().get(g2).v128AndNot().get(g3).v128AndNot());
          storeAt(cB, null, () => f.get(g1).get(g2).v128AndNot().get(g3).v128AndNot());
          storeAt(rowB, null, () => f.get(g2).get(g3).v128AndNot());
          storeAt(rowB, cB, () => f.get(g3));
          f.get(px).i32(16).add().set(px);
          f.get(pd).i32(16).add().set(pd);
          f.get(pg).i32(16).add().set(pg);
        });
        // The channel loop advanced one pixel; skip the window's second column.
        f.get(px).get(cB).add().set(px);
        f.get(pd).get(cB).add().set(pd);
      });
    });
  });
  return f;
}
