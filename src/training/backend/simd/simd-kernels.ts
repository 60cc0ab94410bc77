/**
 * Hand-written wasm SIMD kernels that run directly on the tfjs wasm backend's memory.
 *
 * Some training kernels are memory-bound loops with data-dependent choices (max-pool gradient) for
 * which neither XNNPACK nor scalar JavaScript is good: branch mispredictions cost the JavaScript loop
 * ~15 ns per element. A tiny module of our own, assembled at startup (wasm-assembler.ts) and
 * instantiated with the backend's exported `WebAssembly.Memory`, does them with SIMD on tensors in
 * place (max-pool gradient, bias-gradient sums, im2col, the fused Adam update). If anything about that is unavailable (no SIMD, a future tfjs that stops exporting its
 * memory), `simdKernels()` returns null and callers use their JavaScript path.
 */
import { adamStepFunction } from './adam-step.js';
import { columnBlockSumsFunction } from './column-block-sums.js';
import { im2colRowsFunction } from './im2col-rows.js';
import { maxPool2x2GradFunction } from './max-pool-2x2-grad.js';
import { simdModuleBinder } from './bind-module.js';

export interface SimdKernels {
  /** See max-pool-2x2-grad.ts. Byte offsets; requires c % 4 === 0, 2*ho <= h, 2*wo <= w. */
  maxPool2x2Grad(x: number, dy: number, dx: number, batch: number, h: number, w: number, c: number, ho: number, wo: number): void;
  /** See column-block-sums.ts. Byte offsets; requires cols % 4 === 0; out holds ceil(rows/blockRows) rows. */
  columnBlockSums(x: number, out: number, rows: number, cols: number, blockRows: number): void;
  /** See im2col-rows.ts. Byte offsets; requires cin % 4 === 0. */
  im2colRows(
    x: number, cols: number, first: number, count: number, h: number, w: number, cin: number,
    ho: number, wo: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number,
    top: number, left: number,
  ): void;
  /** See adam-step.ts. Byte offsets; count % 4 === 0; the last eight are float32 bits. */
  adamStep(
    w: number, g: number, m: number, v: number, wOut: number, mOut: number, vOut: number, count: number,
    b1: number, oneMinusB1: number, b2: number, oneMinusB2: number, oneMinusAccB1: number, oneMinusAccB2: number,
    eps: number, negLr: number,
  ): void;
}

/** The SIMD kernels bound to this backend's memory, or null when they cannot be used. */
export const simdKernels = simdModuleBinder(
  () => [maxPool2x2GradFunction(), columnBlockSumsFunction(), im2colRowsFunction(), adamStepFunction()],
  (exports) => exports as unknown as SimdKernels,
);
