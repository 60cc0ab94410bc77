/**
 * Hand-written wasm SIMD body of one Adam update, fused: tfjs's AdamOptimizer spends about ten
 * element-wise kernels per variable (each a pass over memory and a tensor allocation), which on
 * the small CNN is ~3 ms of every step on the calling thread while the other replicas wait.
 *
 * Four elements at a time, the same float32 operations in the same order as tfjs 4.22's Adam, so
 * the results are bit for bit the ones it would give:
 *   m' = m*b1 + g*(1-b1);  v' = v*b2 + (g*g)*(1-b2)
 *   w' = ((m'/(1-b1^t)) / (sqrt(v'/(1-b2^t)) + eps)) * (-lr) + w
 *
 * Signature: (w, g, m, v, wOut, mOut, vOut, count, b1, oneMinusB1, b2, oneMinusB2, oneMinusAccB1,
 * oneMinusAccB2, eps, negLr): pointers as byte offsets into the shared memory, count a multiple of
 * 4, the last eight are the bits of float32 values.
 */
import { FunctionBuilder } from './wasm-assembler.js';

export function adamStepFunction(): FunctionBuilder {
  const f = new FunctionBuilder('adamStep', 16);
  const [W, G, M, V, WO, MO, VO, COUNT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const SCALARS = [8, 9, 10, 11, 12, 13, 14, 15];
  const [b1, ob1, b2, ob2, a1, a2, eps, nlr] = SCALARS.map((param) => {
    const lanes = f.local('v128');
    f.get(param).f32ReinterpretI32().f32x4Splat().set(lanes);
    return lanes;
  }) as [number, number, number, number, number, number, number, number];
  const i = f.local('i32');
  const bytes = f.local('i32');
  const g = f.local('v128');
  const m = f.local('v128');
  const v = f.local('v128');

  f.get(COUNT).i32(4).mul().set(bytes);
  f.forRange(i, () => f.i32(0), () => f.get(bytes), () => f.i32(16), () => {
    f.get(G).get(i).add().v128Load().set(g);
    // m' = m*b1 + g*(1-b1)
    f.get(M).get(i).add().v128Load().get(b1).f32x4Mul();
    f.get(g).get(ob1).f32x4Mul();
    f.f32x4Add().set(m);
    // v' = v*b2 + (g*g)*(1-b2)
    f.get(V).get(i).add().v128Load().get(b2).f32x4Mul();
    f.get(g).get(g).f32x4Mul().get(ob2).f32x4Mul();
    f.f32x4Add().set(v);
    f.get(MO).get(i).add().get(m).v128Store();
    f.get(VO).get(i).add().get(v).v128Store();
    // w' = ((m'/a1) / (sqrt(v'/a2) + eps)) * (-lr) + w
    f.get(WO).get(i).add();
    f.get(m).get(a1).f32x4Div();
    f.get(v).get(a2).f32x4Div().f32x4Sqrt().get(eps).f32x4Add();
    f.f32x4Div().get(nlr).f32x4Mul();
    f.get(W).get(i).add().v128Load();
    f.f32x4Add();
    f.v128Store();
  });
  return f;
}
