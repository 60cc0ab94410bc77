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
import type { BackendWasm } from '../wasm-internals.js';
import { adamStepFunction } from './adam-step.js';
import { columnBlockSumsFunction } from './column-block-sums.js';
import { im2colRowsFunction } from './im2col-rows.js';
import { maxPool2x2GradFunction } from './max-pool-2x2-grad.js';
import { assembleModule } from './wasm-assembler.js';

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

/** The part of the WebAssembly JS API we use (the project's TypeScript libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const byBackend = new WeakMap<BackendWasm, SimdKernels | null>();
let compiled: object | null | undefined;

function compile(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    const bytes = assembleModule([maxPool2x2GradFunction(), columnBlockSumsFunction(), im2colRowsFunction(), adamStepFunction()]);
    compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** The SIMD kernels bound to this backend's memory, or null when they cannot be used. */
export function simdKernels(backend: BackendWasm): SimdKernels | null {
  if (byBackend.has(backend)) return byBackend.get(backend)!;
  let kernels: SimdKernels | null = null;
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  const module = compile();
  if (wasmApi && module && memory instanceof wasmApi.Memory) {
    try {
      const instance = new wasmApi.Instance(module, { env: { memory } });
      kernels = instance.exports as unknown as SimdKernels;
    } catch {
      kernels = null;
    }
  }
  byBackend.set(backend, kernels);
  return kernels;
}
