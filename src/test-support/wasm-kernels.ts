/**
 * Test support for the wasm kernels: run one kernel on a backend by name and compare with the tfjs
 * 'cpu' backend, which is the reference implementation (slow, straightforward, well tested).
 * Not a test file itself; imported by the *.test.ts next to it.
 */
import * as tf from '@tensorflow/tfjs';
import { selectTrainingBackend } from '../training/backend/select.js';

export interface HostTensor {
  values: Float32Array | Int32Array;
  shape: number[];
}

/** The wasm backend with our kernels installed; call in beforeAll. */
export async function useWasmWithTrainingKernels(): Promise<void> {
  const info = await selectTrainingBackend({ order: ['wasm'] });
  if (info.kind !== 'wasm') throw new Error('wasm backend unavailable');
}

export async function runKernelOn(
  backend: 'cpu' | 'wasm', kernelName: string, inputs: Record<string, HostTensor>, attrs: object,
): Promise<HostTensor> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const tensors: tf.NamedTensorMap = {};
    for (const [name, t] of Object.entries(inputs)) {
      tensors[name] = tf.tensor(t.values, t.shape, t.values instanceof Int32Array ? 'int32' : 'float32');
    }
    const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
    return { values: (out.dataSync() as Float32Array | Int32Array).slice(), shape: out.shape };
  });
}

/** Largest absolute difference relative to the largest reference magnitude. */
export function relativeError(actual: HostTensor, expected: HostTensor): number {
  if (actual.shape.join() !== expected.shape.join()) {
    throw new Error(`shape ${actual.shape} differs from expected ${expected.shape}`);
  }
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < expected.values.length; i++) {
    const e = expected.values[i]!;
    const a = actual.values[i]!;
    if (Number.isNaN(e) !== Number.isNaN(a)) return Infinity;
    if (Number.isNaN(e)) continue;
    diff = Math.max(diff, Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  return diff / scale;
}

/** The kernel on wasm (ours) and on cpu (reference); returns the relative error. */
export async function compareWithCpu(
  kernelName: string, inputs: Record<string, HostTensor>, attrs: object,
): Promise<number> {
  const expected = await runKernelOn('cpu', kernelName, inputs, attrs);
  const actual = await runKernelOn('wasm', kernelName, inputs, attrs);
  return relativeError(actual, expected);
}

/** Deterministic pseudo-random normal-ish values (sum of uniforms), reproducible across runs. */
export function randomTensor(shape: number[], seed: number): HostTensor {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = next() + next() + next() - 1.5;
  return { values, shape };
}
