/**
 * Adam with one fused kernel per variable on the wasm backend (backend/wasm-kernels/adam-step.ts),
 * and tfjs's own AdamOptimizer everywhere else. It is an AdamOptimizer: the same slots (m and v per
 * variable, the iteration count), the same getWeights/setWeights, so checkpoints and resume are
 * unchanged, and the same float32 arithmetic, so training is bit for bit what tf.train.adam gives.
 * What changes is cost: tfjs spends about ten element-wise kernels and as many tensors per variable
 * and step, ~3 ms of a small CNN's step on the thread the other replicas wait for.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_STEP, type AdamStepAttrs } from '../backend/wasm-kernels/adam-step';

/** The fields of tfjs 4.22's AdamOptimizer this class reads and maintains like it does. */
interface AdamState {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== 'wasm' || !tf.getKernel(ADAM_STEP, 'wasm')) {
      super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
      return;
    }
    const self = this as unknown as AdamState;
    const list = Array.isArray(variableGradients)
      ? variableGradients.map((v) => ({ name: v.name, gradient: v.tensor }))
      : Object.entries(variableGradients).map(([name, gradient]) => ({ name, gradient }));
    // 1 - beta^t as tfjs computes them: float32 subtraction from 1 of the float32 accumulators.
    const oneMinusAccBeta1 = Math.fround(1 - self.accBeta1.dataSync()[0]!);
    const oneMinusAccBeta2 = Math.fround(1 - self.accBeta2.dataSync()[0]!);
    const attrs: AdamStepAttrs = {
      beta1: self.beta1, beta2: self.beta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon: self.epsilon, learningRate: self.learningRate,
    };
    tf.tidy(() => {
      list.forEach(({ name, gradient }, i) => {
        const value = tf.engine().registeredVariables[name]!;
        // Slots are created as tfjs does (zeros, not trainable, named after the variable), by position.
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i].variable;
        const v = self.accumulatedSecondMoment[i].variable;
        const [w2, m2, v2] = tf.engine().runKernel(ADAM_STEP, { w: value, g: gradient, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m2!);
        v.assign(v2!);
        value.assign(w2!);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}
