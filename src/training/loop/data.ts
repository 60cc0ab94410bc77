/** A labeled image set in memory: what the loop trains on and evaluates. */
export interface TensorData {
  /** n * height * width * channels, NHWC, values in [0, 1]. */
  x: Float32Array;
  /** n * numClasses targets: one-hot rows for hard labels, probability rows for soft labels. */
  y: Float32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  /**
   * Width of a target row when it is not a plain class distribution: distillation rows are
   * [soft (k) | hard (k) | alpha | T] (see losses/distillation.ts). Default numClasses.
   */
  targetWidth?: number;
}

export function targetWidth(data: Pick<TensorData, 'numClasses' | 'targetWidth'>): number {
  return data.targetWidth ?? data.numClasses;
}

/** The hard class distribution of each row (the one-hot part of distillation targets). */
export function classTargets(data: TensorData): Float32Array {
  const w = targetWidth(data);
  const k = data.numClasses;
  if (w === k) return data.y;
  const out = new Float32Array(data.n * k);
  for (let i = 0; i < data.n; i++) out.set(data.y.subarray(i * w + k, i * w + 2 * k), i * k);
  return out;
}

/** Copy rows `indices` of a dataset into one contiguous batch. */
export function gatherRows(data: TensorData, indices: ArrayLike<number>): { x: Float32Array; y: Float32Array } {
  const pixels = data.height * data.width * data.channels;
  const k = targetWidth(data);
  const x = new Float32Array(indices.length * pixels);
  const y = new Float32Array(indices.length * k);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    x.set(data.x.subarray(r * pixels, (r + 1) * pixels), i * pixels);
    y.set(data.y.subarray(r * k, (r + 1) * k), i * k);
  }
  return { x, y };
}

/** The class of each row: argmax of its target. */
export function hardLabels(data: TensorData): Int32Array {
  const y = classTargets(data);
  const k = data.numClasses;
  const out = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (y[i * k + c]! > y[i * k + best]!) best = c;
    out[i] = best;
  }
  return out;
}

export function subset(data: TensorData, indices: ArrayLike<number>): TensorData {
  const { x, y } = gatherRows(data, indices);
  return { ...data, x, y, n: indices.length };
}
