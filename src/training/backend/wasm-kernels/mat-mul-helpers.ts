/**
 * The one matrix product every wasm kernel here should use: our BatchMatMul (batch-mat-mul.ts),
 * which runs XNNPACK's fast path and packs whichever operand is cheaper to pack.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendWasm, type TensorInfo } from '../wasm-internals.js';
import { batchMatMulConfig } from './batch-mat-mul.js';

/** op(a) x op(b) for rank-2 operands -> [M, N]. */
export function matMul(
  backend: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA = false, transposeB = false,
): TensorInfo {
  return (batchMatMulConfig.kernelFunc as unknown as (args: {
    inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs: tf.NamedAttrMap;
  }) => TensorInfo)({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } });
}
