/**
 * Which simple memory layout a broadcasting binary op has, for the SIMD element-wise kernels
 * (../simd/elementwise-simd.ts): both operands the output's size ('ff'), one of them a single
 * value ('fs', 'sf'), or one of them a vector whose shape is the output's trailing dimensions,
 * with or without leading 1s ('fp', 'pf': [C] or [1, 1, 1, C] against [N, H, W, C]), so that it
 * repeats every `period` elements of the output. Anything else is null (the caller delegates).
 */
import * as tf from '@tensorflow/tfjs';
import type { Layout } from '../simd/elementwise-simd.js';

export interface BinaryPlan {
  outShape: number[];
  layout: Layout;
  /** Elements after which the smaller operand repeats ('fp', 'pf'); otherwise the output size. */
  period: number;
}

/** The operand's size if its shape (leading 1s dropped) is the output's trailing dimensions, else null. */
function trailingPeriod(shape: readonly number[], outShape: readonly number[]): number | null {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const tail = shape.slice(start);
  if (tail.length > outShape.length) return null;
  const offset = outShape.length - tail.length;
  return tail.every((d, i) => d === outShape[offset + i]) ? tf.util.sizeFromShape(tail) : null;
}

export function binaryLayout(aShape: readonly number[], bShape: readonly number[]): BinaryPlan | null {
  let outShape: number[];
  try {
    outShape = tf.backend_util.assertAndGetBroadcastShape(aShape as number[], bShape as number[]);
  } catch {
    return null; // incompatible shapes: the original kernel reports it
  }
  const n = tf.util.sizeFromShape(outShape);
  const na = tf.util.sizeFromShape(aShape as number[]);
  const nb = tf.util.sizeFromShape(bShape as number[]);
  if (na === n && nb === n) return { outShape, layout: 'ff', period: n };
  if (na === n && nb === 1) return { outShape, layout: 'fs', period: n };
  if (nb === n && na === 1) return { outShape, layout: 'sf', period: n };
  if (na === n && trailingPeriod(bShape, outShape) === nb) return { outShape, layout: 'fp', period: nb };
  if (nb === n && trailingPeriod(aShape, outShape) === na) return { outShape, layout: 'pf', period: na };
  return null;
}
