/** Packing tensors into one flat Float32Array and back (one transfer per message, not one per weight). */
import type * as tf from '@tensorflow/tfjs';

export function flatten(tensors: readonly tf.Tensor[]): Float32Array {
  let size = 0;
  for (const t of tensors) size += t.size;
  const out = new Float32Array(size);
  let offset = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return out;
}

/** Views (no copies) of consecutive pieces of `flat`, one per shape. */
export function split(flat: Float32Array, shapes: readonly number[][]): Float32Array[] {
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const shape of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    parts.push(flat.subarray(offset, offset + size));
    offset += size;
  }
  if (offset !== flat.length) throw new Error(`flat buffer has ${flat.length} floats, shapes need ${offset}`);
  return parts;
}
