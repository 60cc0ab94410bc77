/**
 * BatchMatMul for the wasm backend, arranged so XNNPACK packs the smaller operand.
 *
 * The 4.22 wasm kernel has one fast path: no transpose flags, where XNNPACK's fully-connected
 * operator computes A x B after "packing" B into its own layout. Two measured facts shape this file:
 * - With transposeA or transposeB set it runs a plain loop about ten times slower, so we transpose
 *   explicitly (an XNNPACK transpose costs about a tenth of packing the same floats).
 * - Packing B costs ~7 ns per float and is redone whenever B is a new tensor, which in training is
 *   every step (weights change). For a dense layer's forward pass (B = weights, 400K floats) and
 *   its input gradient (B = weights transposed) packing costs 2-3x the multiplication itself.
 * So for unbatched products we also consider C^T = op(B)^T x op(A)^T, which packs op(A) instead of
 * op(B), and take whichever formulation a small cost model (floats transposed + 10x floats packed)
 * says is cheaper. Batched products keep the direct form.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type BackendWasm, type TensorInfo, dispose, originalKernel, reshape, transpose,
} from '../wasm-internals.js';

/** Relative cost of packing one float of B, against transposing one float (measured ~8-10x). */
const PACK_COST = 10;

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

type Args = { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap };

function batchMatMul(args: Args): TensorInfo {
  const { backend } = args;
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const a = args.inputs.a as TensorInfo;
  const b = args.inputs.b as TensorInfo;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  if (batchA === 1 && batchB === 1 && a.dtype === 'float32' && b.dtype === 'float32') {
    const m = a.shape[transposeA ? ra - 1 : ra - 2]!;
    const k = a.shape[transposeA ? ra - 2 : ra - 1]!;
    const n = b.shape[transposeB ? rb - 2 : rb - 1]!;
    if (k === b.shape[transposeB ? rb - 1 : rb - 2]) {
      const direct = (transposeA ? m * k : 0) + (transposeB ? k * n : 0) + PACK_COST * k * n;
      const swapped = (transposeB ? 0 : k * n) + (transposeA ? 0 : m * k) + PACK_COST * k * m + m * n;
      if (swapped < direct) return swappedProduct(backend, a, b, transposeA, transposeB, m, k, n);
    }
  }
  return directProduct(args);
}

/** op(A) x op(B) with explicit transposes, then the original fast path. */
function directProduct(args: Args): TensorInfo {
  const { backend } = args;
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const original = originalKernel(tf.BatchMatMul)!;
  if (!transposeA && !transposeB) return original(args) as TensorInfo;
  let a = args.inputs.a as TensorInfo;
  let b = args.inputs.b as TensorInfo;
  const owned: TensorInfo[] = [];
  if (transposeA) {
    a = transpose(backend, a, swapLastTwo(a.shape.length));
    owned.push(a);
  }
  if (transposeB) {
    b = transpose(backend, b, swapLastTwo(b.shape.length));
    owned.push(b);
  }
  const out = original({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
  dispose(backend, ...owned);
  return out;
}

/** (op(B)^T x op(A)^T)^T for unbatched operands: XNNPACK packs op(A)^T ([K, M]) instead of op(B). */
function swappedProduct(
  backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean,
  m: number, k: number, n: number,
): TensorInfo {
  const original = originalKernel(tf.BatchMatMul)!;
  // op(B)^T is [N, K]: B itself when transposeB, else B transposed; likewise op(A)^T is [K, M].
  const b2 = reshape(backend, b, transposeB ? [n, k] : [k, n]);
  const a2 = reshape(backend, a, transposeA ? [k, m] : [m, k]);
  const left = transposeB ? b2 : transpose(backend, b2, [1, 0]);
  const right = transposeA ? a2 : transpose(backend, a2, [1, 0]);
  const l3 = reshape(backend, left, [1, n, k]);
  const r3 = reshape(backend, right, [1, k, m]);
  const outT = original({
    inputs: { a: l3, b: r3 }, backend, attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo; // [1, N, M]
  const out = transpose(backend, outT, [0, 2, 1]); // [1, M, N]
  const outerDims = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const result = reshape(backend, out, [...outerDims, m, n]);
  const temporaries = new Set([b2, a2, left, right, l3, r3, outT, out]);
  dispose(backend, ...temporaries);
  return result;
}

/**
 * op(a) x op(b) for the other kernels here (conv filter gradient): the same choice of formulation,
 * called directly with TensorInfos.
 */
export function matMul(
  backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA = false, transposeB = false,
): TensorInfo {
  return batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } });
}

export const batchMatMulConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul as unknown as tf.KernelFunc,
};
