/**
 * Hand-written wasm SIMD bodies of the element-wise kernels that batch-norm and ReLU6 gradients are
 * made of (see ../wasm-kernels/binary-arith.ts, compare.ts, logical-and.ts, select.ts), and of
 * batch norm itself (../wasm-kernels/fused-batch-norm.ts).
 *
 * tfjs-core writes those gradients as chains of small ops: ReLU6's is
 * `where(logicalAnd(x >= 0, x <= 6), dy, 0)`, batch norm's multiplies [N, H, W, C] tensors by
 * [C] vectors a dozen times. The 4.22 wasm kernels behind them walk the output with per-element
 * broadcast index arithmetic (comparisons ~10 ns per element, a data-dependent byte store each),
 * which made them ~40% of a MobileNetV2 step once the convolutions were fast. Here each is one
 * pass, four floats (or sixteen bools) per instruction, for the layouts those gradients use:
 *   'ff' both operands full size, 'fs'/'sf' one a scalar, 'fp'/'pf' one a vector repeating every
 *   `period` elements (a [C] or [1, 1, 1, C] operand against [N, H, W, C]; period % 4 === 0).
 * Counts must be multiples of 4 (arithmetic) or 16 (comparisons, logical and, select); callers do
 * the few remaining elements in JavaScript.
 *
 * Like depthwise-backprop-simd.ts this is its own module, assembled once and instantiated per
 * backend on the backend's memory. Pointers are byte offsets into that memory.
 */
import { simdModuleBinder } from './bind-module.js';
import { FunctionBuilder, uleb } from './wasm-assembler.js';

export type ArithOp = 'add' | 'sub' | 'mul' | 'div';
export type CompareOp = 'ge' | 'le' | 'gt' | 'lt';
export type Layout = 'ff' | 'fs' | 'sf' | 'fp' | 'pf';

/** (a, b, out, count, period): out[i] = a[i] op b[i] with a and b read as the layout says. */
type Binary = (a: number, b: number, out: number, count: number, period: number) => void;

export interface ElementwiseSimd {
  arith(op: ArithOp, layout: Layout): Binary;
  /** Layouts 'ff', 'fs', 'sf'; out is bool bytes (0 or 1). */
  compare(op: CompareOp, layout: 'ff' | 'fs' | 'sf'): Binary;
  /** Bool bytes, both full size. */
  logicalAnd(a: number, b: number, out: number, count: number): void;
  /** out[i] = cond[i] ? t[i] : e[i] for 32-bit t and e, cond bool bytes, all full size. */
  select(cond: number, t: number, e: number, out: number, count: number): void;
  /**
   * Batch norm with per-channel vectors: out[r, c] = (x[r, c] - mean[c]) * factor[c] + offset[c],
   * `params` = [mean, factor, offset], each `channels` floats (channels % 4 === 0).
   */
  batchNorm(x: number, params: number, out: number, rows: number, channels: number): void;
}


/** A SIMD instruction the shared assembler has no method for (opcode numbers: WebAssembly 2.0). */
function simd(f: FunctionBuilder, opcode: number): void {
  f.code.push(0xfd, ...uleb(opcode));
}
const OP = {
  i8x16Splat: 0x0f, i32x4Ne: 0x38, f32x4Lt: 0x43, f32x4Gt: 0x44, f32x4Le: 0x45, f32x4Ge: 0x46,
  i8x16NarrowI16x8S: 0x65, i16x8NarrowI32x4S: 0x85, i16x8ExtendLowI8x16U: 0x89, i16x8ExtendHighI8x16U: 0x8a,
  i32x4ExtendLowI16x8U: 0xa9, i32x4ExtendHighI16x8U: 0xaa,
} as const;
const ARITH: Record<ArithOp, (f: FunctionBuilder) => void> = {
  add: (f) => f.f32x4Add(), sub: (f) => f.f32x4Sub(), mul: (f) => f.f32x4Mul(), div: (f) => f.f32x4Div(),
};
const COMPARE: Record<CompareOp, number> = { ge: OP.f32x4Ge, le: OP.f32x4Le, gt: OP.f32x4Gt, lt: OP.f32x4Lt };

/** Pushes a f32 scalar at address `local` splatted to four lanes (f32.load, align 4). */
function splatScalar(f: FunctionBuilder, local: number): void {
  f.get(local);
  f.code.push(0x2a, 0x02, 0x00); // f32.load
  f.f32x4Splat();
}

function arithFunction(op: ArithOp, layout: Layout): FunctionBuilder {
  const f = new FunctionBuilder(`arith_${op}_${layout}`, 5);
  const [A, B, OUT, COUNT, PERIOD] = [0, 1, 2, 3, 4];
  const i = f.local('i32');
  const bytes = f.local('i32');
  const base = f.local('i32');
  const pb = f.local('i32');
  const s = f.local('v128'); // the scalar operand, splatted
  f.get(COUNT).i32(4).mul().set(bytes);
  if (layout === 'fs') { splatScalar(f, B); f.set(s); }
  if (layout === 'sf') { splatScalar(f, A); f.set(s); }
  if (layout === 'fp' || layout === 'pf') {
    // for base in [0, bytes) step period*4: for i in [0, period*4) step 16: one vector
    f.get(PERIOD).i32(4).mul().set(pb);
    f.forRange(base, () => f.i32(0), () => f.get(bytes), () => f.get(pb), () => {
      f.forRange(i, () => f.i32(0), () => f.get(pb), () => f.i32(16), () => {
        f.get(OUT).get(base).add().get(i).add();
        if (layout === 'fp') {
          f.get(A).get(base).add().get(i).add().v128Load();
          f.get(B).get(i).add().v128Load();
        } else {
          f.get(A).get(i).add().v128Load();
          f.get(B).get(base).add().get(i).add().v128Load();
        }
        ARITH[op](f);
        f.v128Store();
      });
    });
    return f;
  }
  f.forRange(i, () => f.i32(0), () => f.get(bytes), () => f.i32(16), () => {
    f.get(OUT).get(i).add();
    if (layout === 'sf') f.get(s);
    else f.get(A).get(i).add().v128Load();
    if (layout === 'fs') f.get(s);
    else f.get(B).get(i).add().v128Load();
    ARITH[op](f);
    f.v128Store();
  });
  return f;
}

function compareFunction(op: CompareOp, layout: 'ff' | 'fs' | 'sf'): FunctionBuilder {
  const f = new FunctionBuilder(`compare_${op}_${layout}`, 5); // the period parameter is unused
  const [A, B, OUT, COUNT] = [0, 1, 2, 3];
  const i = f.local('i32'); // byte offset into a and b
  const o = f.local('i32'); // byte offset into out
  const bytes = f.local('i32');
  const s = f.local('v128');
  const ones = f.local('v128');
  const m = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  f.get(COUNT).i32(4).mul().set(bytes);
  f.i32(1); simd(f, OP.i8x16Splat); f.set(ones);
  if (layout === 'fs') { splatScalar(f, B); f.set(s); }
  if (layout === 'sf') { splatScalar(f, A); f.set(s); }
  f.i32(0).set(o);
  f.forRange(i, () => f.i32(0), () => f.get(bytes), () => f.i32(64), () => {
    for (let k = 0; k < 4; k++) {
      if (layout === 'sf') f.get(s);
      else f.get(A).get(i).add().v128Load(16 * k);
      if (layout === 'fs') f.get(s);
      else f.get(B).get(i).add().v128Load(16 * k);
      simd(f, COMPARE[op]);
      f.set(m[k]!);
    }
    // Four lane masks (-1 or 0 per float) -> sixteen bytes -1 or 0 -> 1 or 0.
    f.get(OUT).get(o).add();
    f.get(m[0]!).get(m[1]!); simd(f, OP.i16x8NarrowI32x4S);
    f.get(m[2]!).get(m[3]!); simd(f, OP.i16x8NarrowI32x4S);
    simd(f, OP.i8x16NarrowI16x8S);
    f.get(ones).v128And();
    f.v128Store();
    f.get(o).i32(16).add().set(o);
  });
  return f;
}

function logicalAndFunction(): FunctionBuilder {
  const f = new FunctionBuilder('logicalAnd', 4);
  const [A, B, OUT, COUNT] = [0, 1, 2, 3];
  const i = f.local('i32');
  f.forRange(i, () => f.i32(0), () => f.get(COUNT), () => f.i32(16), () => {
    f.get(OUT).get(i).add();
    f.get(A).get(i).add().v128Load();
    f.get(B).get(i).add().v128Load();
    f.v128And();
    f.v128Store();
  });
  return f;
}

function selectFunction(): FunctionBuilder {
  const f = new FunctionBuilder('select', 5);
  const [COND, T, E, OUT, COUNT] = [0, 1, 2, 3, 4];
  const i = f.local('i32'); // byte offset into cond
  const p = f.local('i32'); // byte offset into t, e, out
  const c = f.local('v128');
  const half = f.local('v128');
  const zero = f.local('v128');
  f.v128Zero().set(zero);
  f.i32(0).set(p);
  f.forRange(i, () => f.i32(0), () => f.get(COUNT), () => f.i32(16), () => {
    f.get(COND).get(i).add().v128Load().set(c);
    for (let k = 0; k < 4; k++) {
      if (k % 2 === 0) {
        f.get(c);
        simd(f, k === 0 ? OP.i16x8ExtendLowI8x16U : OP.i16x8ExtendHighI8x16U);
        f.set(half);
      }
      f.get(OUT).get(p).add();
      f.get(T).get(p).add().v128Load(16 * k);
      f.get(E).get(p).add().v128Load(16 * k);
      f.get(half);
      simd(f, k % 2 === 0 ? OP.i32x4ExtendLowI16x8U : OP.i32x4ExtendHighI16x8U);
      f.get(zero);
      simd(f, OP.i32x4Ne);
      f.v128Bitselect();
      f.v128Store(16 * k);
    }
    f.get(p).i32(64).add().set(p);
  });
  return f;
}

function batchNormFunction(): FunctionBuilder {
  const f = new FunctionBuilder('batchNorm', 5);
  const [X, PARAMS, OUT, ROWS, CH] = [0, 1, 2, 3, 4];
  const r = f.local('i32');
  const j = f.local('i32');
  const rowB = f.local('i32');
  const pos = f.local('i32'); // byte offset of the current row in x and out
  f.get(CH).i32(4).mul().set(rowB);
  f.i32(0).set(pos);
  f.forRange(r, () => f.i32(0), () => f.get(ROWS), () => f.i32(1), () => {
    f.forRange(j, () => f.i32(0), () => f.get(rowB), () => f.i32(16), () => {
      f.get(OUT).get(pos).add().get(j).add();
      f.get(X).get(pos).add().get(j).add().v128Load();
      f.get(PARAMS).get(j).add().v128Load(); // mean
      f.f32x4Sub();
      f.get(PARAMS).get(rowB).add().get(j).add().v128Load(); // factor
      f.f32x4Mul();
      f.get(PARAMS).get(rowB).add().get(rowB).add().get(j).add().v128Load(); // offset
      f.f32x4Add();
      f.v128Store();
    });
    f.get(pos).get(rowB).add().set(pos);
  });
  return f;
}

const ARITH_OPS: ArithOp[] = ['add', 'sub', 'mul', 'div'];
const LAYOUTS: Layout[] = ['ff', 'fs', 'sf', 'fp', 'pf'];
const COMPARE_OPS: CompareOp[] = ['ge', 'le', 'gt', 'lt'];

/** The element-wise SIMD kernels bound to this backend's memory, or null when they cannot be used. */
export const elementwiseSimd = simdModuleBinder(
  () => [
    ...ARITH_OPS.flatMap((op) => LAYOUTS.map((layout) => arithFunction(op, layout))),
    ...COMPARE_OPS.flatMap((op) => (['ff', 'fs', 'sf'] as const).map((layout) => compareFunction(op, layout))),
    logicalAndFunction(),
    selectFunction(),
    batchNormFunction(),
  ],
  (exports): ElementwiseSimd => ({
    arith: (op, layout) => exports[`arith_${op}_${layout}`] as Binary,
    compare: (op, layout) => exports[`compare_${op}_${layout}`] as Binary,
    logicalAnd: exports.logicalAnd as ElementwiseSimd['logicalAnd'],
    select: exports.select as ElementwiseSimd['select'],
    batchNorm: exports.batchNorm as ElementwiseSimd['batchNorm'],
  }),
);
