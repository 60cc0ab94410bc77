/**
 * Runs in Chromium (bundled by webgpu.ts), or in Node once `navigator.gpu` is Dawn's (dawn.ts):
 * the small CNN on tfjs `cpu` (the reference), `wasm` with Apprentice's training kernels (what the
 * product trains on) and `webgpu`, in one thread. For each: the gradients of one batch against
 * cpu's, then training speed (Adam steps, the loss read back each step so the GPU queue drains).
 * `@tensorflow/tfjs-backend-webgpu` registers itself only if `navigator.gpu` exists when it loads.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import { installWasmTrainingKernels } from '../../src/training/backend/wasm-kernels/index.js';
import { buildSmallCnn } from '../../src/training/models/small-cnn.js';

export interface PageOptions { batch: number; steps: number; wasmPrefix: string }

export interface BackendResult {
  backend: string;
  /** tf.getBackend() while it ran: a backend that failed to start must not pass for another. */
  active?: string;
  error?: string;
  /** Over all weight tensors: max |g - g_cpu| / max |g_cpu| (one batch, same weights). */
  gradMaxRelDiff?: number;
  lossAbsDiff?: number;
  /** The first (warm-up) step: shader compilation and buffer set-up on webgpu. */
  firstStepMs?: number;
  /** Timed steps (after the first); fewer than asked when each takes long. */
  steps?: number;
  stepMs?: number;
  imagesPerSecond?: number;
}

type Weights = { shape: number[]; data: Float32Array }[];

/** A fixed batch (not tf.random*: backends may draw differently) of 28x28x1 images and labels. */
function batchOf(n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const pixels = new Float32Array(n * 28 * 28);
  let s = 12345;
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const labels = Array.from({ length: n }, (_, i) => (i * 7) % 10);
  return { x: tf.tensor4d(pixels, [n, 28, 28, 1]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D };
}

function lossOf(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
}

async function gradientsOf(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): Promise<{ loss: number; grads: Float32Array[] }> {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => lossOf(model, x, y), vars);
  const out = await Promise.all(vars.map((v) => grads[v.name]!.data() as Promise<Float32Array>));
  const loss = (await value.data())[0]!;
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, grads: out };
}

function maxRelDiff(a: Float32Array[], ref: Float32Array[]): number {
  let worst = 0;
  ref.forEach((r, i) => {
    let scale = 0;
    let diff = 0;
    for (let j = 0; j < r.length; j++) {
      scale = Math.max(scale, Math.abs(r[j]!));
      diff = Math.max(diff, Math.abs(a[i]![j]! - r[j]!));
    }
    worst = Math.max(worst, scale > 0 ? diff / scale : diff);
  });
  return worst;
}

async function onBackend(name: string, weights: Weights, options: PageOptions, ref?: { loss: number; grads: Float32Array[] }) {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialize`);
  await tf.ready();
  const model = buildSmallCnn({ height: 28, width: 28, channels: 1, numClasses: 10, seed: 1 });
  model.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
  const { x, y } = batchOf(options.batch);
  const g = await gradientsOf(model, x, y);
  const result: BackendResult = { backend: name, active: tf.getBackend() };
  if (ref) {
    result.gradMaxRelDiff = maxRelDiff(g.grads, ref.grads);
    result.lossAbsDiff = Math.abs(g.loss - ref.loss);
  }
  const optimizer = tf.train.adam(1e-3);
  const step = async () => {
    const loss = tf.tidy(() => optimizer.minimize(() => lossOf(model, x, y), true) as tf.Scalar);
    await loss.data();
    loss.dispose();
  };
  if (options.steps > 0) {
    let t0 = performance.now();
    await step();
    result.firstStepMs = performance.now() - t0;
    // At most `steps`, but stop after ~20 s once 2 are timed: SwiftShader's webgpu takes ~15 s a step.
    t0 = performance.now();
    let done = 0;
    while (done < options.steps && (done < 2 || performance.now() - t0 < 20_000)) {
      await step();
      done++;
    }
    result.steps = done;
    result.stepMs = (performance.now() - t0) / done;
    result.imagesPerSecond = (options.batch * 1000) / result.stepMs;
  }
  optimizer.dispose();
  model.dispose();
  tf.dispose([x, y]);
  return { result, g };
}

/** Called by webgpu.ts through page.evaluate, and by dawn.ts directly. */
export async function runBench(options: PageOptions): Promise<BackendResult[]> {
  setWasmPaths(options.wasmPrefix);
  installWasmTrainingKernels();
  await tf.setBackend('cpu');
  const seedModel = buildSmallCnn({ height: 28, width: 28, channels: 1, numClasses: 10, seed: 1 });
  const weights: Weights = seedModel.getWeights().map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array }));
  seedModel.dispose();
  const cpu = await onBackend('cpu', weights, { ...options, steps: 0 }); // the gradients' reference only (~7 s a step)
  const results = [cpu.result];
  for (const name of ['wasm', 'webgpu']) {
    try {
      results.push((await onBackend(name, weights, options, cpu.g)).result);
    } catch (error) {
      results.push({ backend: name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
