/**
 * Add, Sub, Multiply and RealDiv of float32 tensors for the wasm backend, as one SIMD pass
 * (../simd/elementwise-simd.ts) when the operands are the same size, a scalar, or a trailing
 * vector such as batch norm's [C] against [N, H, W, C] (binary-layout.ts). The batch-norm
 * gradient is a dozen of these per layer; the 4.22 kernels compute a broadcast index per element.
 * Other shapes and dtypes, and vectors whose length is not a multiple of 4, go to the original
 * kernels. The results are the same float32 operations, so they are bit for bit tfjs's.
 */
import * as tf from '@tensorflow/tfjs';
import { type ArithOp, elementwiseSimd } from '../simd/elementwise-simd.js';
import { type BackendWasm, type TensorInfo, heapF32, heapOffset, originalKernel } from '../wasm-internals.js';
import { binaryLayout } from './binary-layout.js';

type Args = { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap };

const SCALAR: Record<ArithOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b,
};

function arithKernel(kernelName: string, op: ArithOp): tf.KernelConfig {
  const kernelFunc = (args: Args): TensorInfo => {
    const { backend } = args;
    const a = args.inputs.a as TensorInfo;
    const b = args.inputs.b as TensorInfo;
    const plan = a.dtype === 'float32' && b.dtype === 'float32' ? binaryLayout(a.shape, b.shape) : null;
    const periodic = plan !== null && (plan.layout === 'fp' || plan.layout === 'pf');
    const simd = plan && (!periodic || plan.period % 4 === 0) ? elementwiseSimd(backend) : null;
    if (!plan || !simd) return originalKernel(kernelName)!(args) as TensorInfo;
    const out = backend.makeOutput(plan.outShape, 'float32');
    const n = tf.util.sizeFromShape(plan.outShape);
    if (n === 0) return out;
    // Periodic layouts cover whole periods (multiples of 4); the others leave up to 3 for JS.
    const vector = periodic ? n : n - (n % 4);
    if (vector > 0) simd.arith(op, plan.layout)(heapOffset(backend, a), heapOffset(backend, b), heapOffset(backend, out), vector, plan.period);
    if (vector < n) {
      const av = heapF32(backend, a);
      const bv = heapF32(backend, b);
      const ov = heapF32(backend, out);
      const f = SCALAR[op];
      for (let i = vector; i < n; i++) ov[i] = f(plan.layout === 'sf' ? av[0]! : av[i]!, plan.layout === 'fs' ? bv[0]! : bv[i]!);
    }
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

export const addConfig = arithKernel(tf.Add, 'add');
export const subConfig = arithKernel(tf.Sub, 'sub');
export const multiplyConfig = arithKernel(tf.Multiply, 'mul');
export const realDivConfig = arithKernel(tf.RealDiv, 'div');
