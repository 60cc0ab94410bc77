/**
 * `ApprenticeAdamStep`: one fused Adam update of a variable on the wasm backend (a kernel of our
 * own, used by optim/fused-adam.ts). Inputs w, g, m, v (float32, same shape); outputs w', m', v'.
 * The bulk runs in wasm SIMD (../simd/adam-step.ts); the last count % 4 elements, or all of them
 * without SIMD, run in JavaScript with Math.fround after every operation: the same float32 results.
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendWasm, type TensorInfo, heapF32, heapOffset } from '../wasm-internals.js';
import { simdKernels } from '../simd/simd-kernels.js';

export const ADAM_STEP = 'ApprenticeAdamStep';

export interface AdamStepAttrs {
  beta1: number;
  beta2: number;
  /** 1 - beta1^t and 1 - beta2^t as float32 (tfjs computes them as float32 tensors). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  learningRate: number;
}

const f32Bits = (() => {
  const f = new Float32Array(1);
  const i = new Int32Array(f.buffer);
  return (value: number) => {
    f[0] = value;
    return i[0]!;
  };
})();

function adamStep(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap }): TensorInfo[] {
  const { backend } = args;
  const { w, g, m, v } = args.inputs as Record<'w' | 'g' | 'm' | 'v', TensorInfo>;
  const a = args.attrs as unknown as AdamStepAttrs;
  for (const t of [w, g, m, v]) {
    if (t.dtype !== 'float32') throw new Error(`${ADAM_STEP} needs float32 tensors, got ${t.dtype}`);
  }
  const count = tf.util.sizeFromShape(w.shape);
  const wOut = backend.makeOutput(w.shape, 'float32');
  const mOut = backend.makeOutput(w.shape, 'float32');
  const vOut = backend.makeOutput(w.shape, 'float32');
  // The float32 constants, rounded as tfjs rounds them (scalars of JavaScript numbers).
  const fr = Math.fround;
  const b1 = fr(a.beta1), ob1 = fr(1 - a.beta1), b2 = fr(a.beta2), ob2 = fr(1 - a.beta2);
  const a1 = fr(a.oneMinusAccBeta1), a2 = fr(a.oneMinusAccBeta2), eps = fr(a.epsilon), nlr = fr(-a.learningRate);
  const simd = simdKernels(backend);
  const bulk = simd ? count - (count % 4) : 0;
  if (simd && bulk > 0) {
    simd.adamStep(heapOffset(backend, w), heapOffset(backend, g), heapOffset(backend, m), heapOffset(backend, v),
      heapOffset(backend, wOut), heapOffset(backend, mOut), heapOffset(backend, vOut), bulk,
      f32Bits(b1), f32Bits(ob1), f32Bits(b2), f32Bits(ob2), f32Bits(a1), f32Bits(a2), f32Bits(eps), f32Bits(nlr));
  }
  if (bulk < count) {
    // Views after every allocation above (allocations may grow the heap and detach older views).
    const [W, G, M, V, WO, MO, VO] = [w, g, m, v, wOut, mOut, vOut].map((t) => heapF32(backend, t)) as Float32Array[];
    for (let i = bulk; i < count; i++) {
      const gi = G![i]!;
      const mi = fr(fr(M![i]! * b1) + fr(gi * ob1));
      const vi = fr(fr(V![i]! * b2) + fr(fr(gi * gi) * ob2));
      MO![i] = mi;
      VO![i] = vi;
      WO![i] = fr(fr(fr(fr(mi / a1) / fr(fr(Math.sqrt(fr(vi / a2))) + eps)) * nlr) + W![i]!);
    }
  }
  return [wOut, mOut, vOut];
}

export const adamStepConfig: tf.KernelConfig = {
  kernelName: ADAM_STEP,
  backendName: 'wasm',
  kernelFunc: adamStep as unknown as tf.KernelFunc,
};
