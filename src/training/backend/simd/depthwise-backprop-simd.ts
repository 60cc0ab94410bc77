/**
 * Hand-written wasm SIMD bodies of the depthwise convolution gradients for a channel multiplier of
 * 1 and a channel count divisible by 4 (every depthwise layer of the MobileNetV2 builder); see
 * ../wasm-kernels/depthwise-backprop.ts for the semantics and the JavaScript path used otherwise.
 *
 * Both walk every (output pixel, filter tap) pair whose input pixel is inside the image and do one
 * multiply-add per channel, four channels per instruction, over rows that are contiguous in NHWC:
 *   filter: dW[p, r, :] += x[n, h, w, :] * dy[n, i, j, :]
 *   input:  dx[n, h, w, :] += dy[n, i, j, :] * W[p, r, :]
 * with h = i*sh + p*dh - top, w = j*sw + r*dw - left. The accumulated tensor (dW: kh*kw*C floats,
 * in L1; or dx) must be zeroed by the caller. The scalar JavaScript loop spent ~15x longer on the
 * same arithmetic (bounds checks and index arithmetic per value instead of per row).
 *
 * These live in their own small module (not simd-kernels.ts) so they can be added without touching
 * the shared one; it is assembled once and instantiated per backend on the backend's memory.
 * Signature of both: (a, b, out, n, h, w, c, ho, wo, kh, kw, sh, sw, dh, dw, top, left), where
 * (a, b) = (x, dy) for the filter gradient and (dy, filter) for the input gradient; pointers are
 * byte offsets into the shared memory.
 */
import { simdModuleBinder } from './bind-module.js';
import { FunctionBuilder } from './wasm-assembler.js';

export interface DepthwiseSimd {
  depthwiseFilterGrad(
    x: number, dy: number, dW: number, n: number, h: number, w: number, c: number, ho: number, wo: number,
    kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, top: number, left: number,
  ): void;
  depthwiseInputGrad(
    dy: number, filter: number, dx: number, n: number, h: number, w: number, c: number, ho: number, wo: number,
    kh: number, kw: number, sh: number, sw: number, dh: number, dw: number, top: number, left: number,
  ): void;
}

function depthwiseFunction(name: 'depthwiseFilterGrad' | 'depthwiseInputGrad'): FunctionBuilder {
  const f = new FunctionBuilder(name, 17);
  const [A, B, OUT, N, H, W, C, HO, WO, KH, KW, SH, SW, DH, DWL, TOP, LEFT] = Array.from({ length: 17 }, (_, i) => i) as
    [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const filterGrad = name === 'depthwiseFilterGrad';
  const n = f.local('i32');
  const i = f.local('i32');
  const j = f.local('i32');
  const p = f.local('i32');
  const r = f.local('i32');
  const hh = f.local('i32');
  const ww = f.local('i32');
  const cb = f.local('i32');
  const rowB = f.local('i32'); // one pixel's channels, in bytes
  const pIn = f.local('i32'); // x (filter grad) or dx (input grad) at (n, hh, ww)
  const pDy = f.local('i32'); // dy at (n, i, j)
  const pW = f.local('i32'); // dW (filter grad) or W (input grad) at (p, r)
  const acc = filterGrad ? pW : pIn; // the accumulated row
  const inBase = filterGrad ? A : OUT;
  const dyBase = filterGrad ? B : A;
  const wBase = filterGrad ? OUT : B;

  f.get(C).i32(4).mul().set(rowB);
  const one = () => f.i32(1);
  f.forRange(n, () => f.i32(0), () => f.get(N), one, () => {
    f.forRange(i, () => f.i32(0), () => f.get(HO), one, () => {
      f.forRange(p, () => f.i32(0), () => f.get(KH), one, () => {
        f.get(i).get(SH).mul().get(p).get(DH).mul().add().get(TOP).sub().set(hh);
        f.get(hh).get(H).ltU().if(); // 0 <= hh < H
        f.forRange(j, () => f.i32(0), () => f.get(WO), one, () => {
          f.get(n).get(HO).mul().get(i).add().get(WO).mul().get(j).add().get(rowB).mul().get(dyBase).add().set(pDy);
          f.forRange(r, () => f.i32(0), () => f.get(KW), one, () => {
            f.get(j).get(SW).mul().get(r).get(DWL).mul().add().get(LEFT).sub().set(ww);
            f.get(ww).get(W).ltU().if();
            f.get(n).get(H).mul().get(hh).add().get(W).mul().get(ww).add().get(rowB).mul().get(inBase).add().set(pIn);
            f.get(p).get(KW).mul().get(r).add().get(rowB).mul().get(wBase).add().set(pW);
            f.forRange(cb, () => f.i32(0), () => f.get(rowB), () => f.i32(16), () => {
              f.get(acc).get(cb).add(); // store address
              f.get(acc).get(cb).add().v128Load();
              f.get(filterGrad ? pIn : pW).get(cb).add().v128Load();
              f.get(pDy).get(cb).add().v128Load();
              f.f32x4Mul();
              f.f32x4Add();
              f.v128Store();
            });
            f.end();
          });
        });
        f.end();
      });
    });
  });
  return f;
}

/** The depthwise SIMD kernels bound to this backend's memory, or null when they cannot be used. */
export const depthwiseSimd = simdModuleBinder(
  () => [depthwiseFunction('depthwiseFilterGrad'), depthwiseFunction('depthwiseInputGrad')],
  (exports) => exports as unknown as DepthwiseSimd,
);
