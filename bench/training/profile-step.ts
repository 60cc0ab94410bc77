/**
 * Where the time of one training step of the small CNN goes on the wasm backend, per kernel.
 * `npx tsx bench/training/profile-step.ts [--batch 64] [--steps 10] [--stock]`
 * (--stock: only the missing Conv2DBackpropFilter is added, to compare with the stock kernels.)
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { locateWasmDir } from '../../src/training/backend/wasm-files.js';
import { installWasmTrainingKernels } from '../../src/training/backend/wasm-kernels/index.js';
import { overrideWasmKernel } from '../../src/training/backend/wasm-kernels/register.js';
import { conv2dBackpropFilterConfig } from '../../src/training/backend/wasm-kernels/conv2d-backprop-filter.js';
import { buildSmallCnn } from '../../src/training/models/small-cnn.js';

const argv = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const batch = arg('batch', 64);
const steps = arg('steps', 10);

setWasmPaths(locateWasmDir());
await tf.setBackend('wasm');
if (argv.includes('--stock')) overrideWasmKernel(conv2dBackpropFilterConfig);
else installWasmTrainingKernels();

const model = buildSmallCnn({ height: 28, width: 28, channels: 1, numClasses: 10, seed: 1 });
const optimizer = tf.train.adam(1e-3);
const x = tf.randomUniform([batch, 28, 28, 1]);
const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
const step = () => tf.tidy(() => optimizer.minimize(
  () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true) as tf.Scalar);

for (let i = 0; i < 3; i++) step().dataSync(); // warm up
const t0 = performance.now();
for (let i = 0; i < steps; i++) step().dataSync();
const ms = (performance.now() - t0) / steps;
console.log(`step: ${ms.toFixed(1)} ms per batch of ${batch} = ${(batch * 1000 / ms).toFixed(0)} img/s`);

const info = await tf.profile(() => { step().dispose(); });
const byKernel = new Map<string, { ms: number; n: number }>();
for (const k of info.kernels) {
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const e = byKernel.get(key) ?? { ms: 0, n: 0 };
  e.ms += k.kernelTimeMs as number;
  e.n++;
  byKernel.set(key, e);
}
const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
const total = rows.reduce((s, [, e]) => s + e.ms, 0);
console.log(`profiled kernels total ${total.toFixed(1)} ms`);
for (const [key, e] of rows.slice(0, 25)) console.log(`${e.ms.toFixed(2).padStart(8)} ms  x${e.n}  ${key}`);
