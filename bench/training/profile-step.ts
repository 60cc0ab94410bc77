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
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) step().dataSync();
const ms = (performance.now() - t0) / steps;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
console.log(`step: ${ms.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU per batch of ${batch} ` +
  `= ${(batch * 1000 / ms).toFixed(0)} img/s (CPU time says ${(batch * 1000 / cpuMs).toFixed(0)} img/s on an idle core)`);

// Per-kernel times over several profiled steps; the median resists the preemptions of a shared machine.
const samples = new Map<string, number[]>();
const profiledSteps = Math.max(5, Math.min(steps, 15));
for (let i = 0; i < profiledSteps; i++) {
  const info = await tf.profile(() => { step().dispose(); });
  const perStep = new Map<string, number>();
  for (const k of info.kernels) {
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    perStep.set(key, (perStep.get(key) ?? 0) + (k.kernelTimeMs as number));
  }
  for (const [key, ms] of perStep) samples.set(key, [...(samples.get(key) ?? []), ms]);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = [...samples].map(([key, xs]) => [key, median(xs)] as const).sort((a, b) => b[1] - a[1]);
const total = rows.reduce((s, [, ms]) => s + ms, 0);
console.log(`kernels: ${total.toFixed(1)} ms per step (sum of per-kernel medians over ${profiledSteps} steps)`);
for (const [key, ms] of rows.slice(0, 25)) console.log(`${ms.toFixed(2).padStart(8)} ms  ${key}`);
