/**
 * Where the time of one training step goes on the wasm backend, per kernel, on one thread.
 *
 *   npx tsx bench/training/profile-step.ts [--arch small-cnn|vgg|resnet|inception|mobilenetv2]
 *                                          [--size S] [--channels C] [--batch N] [--steps 10] [--top 25] [--stock]
 *
 * Defaults: the small CNN on 28x28x1, batch 64; any other architecture on 96x96x3, batch 16 (one
 * replica's share of a batch of 32 on two cores). --stock: only the kernels the wasm backend lacks
 * entirely are added (Conv2DBackpropFilter, the depthwise gradients), to compare with its own.
 * Kernels are listed by name and input shapes (one row per distinct shape), then summed by name.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { locateWasmDir } from '../../src/training/backend/wasm-files.js';
import { installWasmTrainingKernels } from '../../src/training/backend/wasm-kernels/index.js';
import { overrideWasmKernel } from '../../src/training/backend/wasm-kernels/register.js';
import { conv2dBackpropFilterConfig } from '../../src/training/backend/wasm-kernels/conv2d-backprop-filter.js';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from '../../src/training/backend/wasm-kernels/depthwise-backprop.js';
import { ARCHITECTURES, type ArchitectureName, buildArchitecture } from '../../src/training/models/index.js';

const argv = process.argv.slice(2);
const text = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : def;
};
const arg = (name: string, def: number) => Number(text(name, String(def)));
const arch = text('arch', 'small-cnn') as ArchitectureName;
if (!ARCHITECTURES.includes(arch)) throw new Error(`--arch must be one of ${ARCHITECTURES.join(', ')}`);
const small = arch === 'small-cnn';
const size = arg('size', small ? 28 : 96);
const channels = arg('channels', small ? 1 : 3);
const batch = arg('batch', small ? 64 : 16);
const steps = arg('steps', small ? 10 : 3);
const top = arg('top', 25);

setWasmPaths(locateWasmDir());
await tf.setBackend('wasm');
if (argv.includes('--stock')) {
  for (const k of [conv2dBackpropFilterConfig, depthwiseBackpropInputConfig, depthwiseBackpropFilterConfig]) overrideWasmKernel(k);
} else installWasmTrainingKernels();

const model = buildArchitecture(arch, { height: size, width: size, channels, numClasses: 10, seed: 1 });
const optimizer = tf.train.adam(1e-3);
const x = tf.randomUniform([batch, size, size, channels]);
const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32'), 10);
const step = () => tf.tidy(() => optimizer.minimize(
  () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true) as tf.Scalar);

console.log(`${arch} ${size}x${size}x${channels}, batch ${batch}, ${model.countParams()} weights, ${argv.includes('--stock') ? 'stock wasm kernels' : 'our wasm training kernels'}`);
for (let i = 0; i < 2; i++) step().dataSync(); // warm up
const t0 = performance.now();
const cpu0 = process.cpuUsage();
for (let i = 0; i < steps; i++) step().dataSync();
const ms = (performance.now() - t0) / steps;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
console.log(`step: ${ms.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU per batch of ${batch} ` +
  `= ${(batch * 1000 / ms).toFixed(1)} img/s (CPU time says ${(batch * 1000 / cpuMs).toFixed(1)} img/s on an idle core)`);

// Per-kernel times over several profiled steps; the median resists the preemptions of a shared machine.
const samples = new Map<string, number[]>();
const profiledSteps = Math.max(small ? 5 : 3, Math.min(steps, 15));
for (let i = 0; i < profiledSteps; i++) {
  const info = await tf.profile(() => { step().dispose(); });
  const perStep = new Map<string, number>();
  for (const k of info.kernels) {
    // 'fusedConv2d__op' and the like are ops wrapping a kernel that is listed too: counting both
    // would count that time twice.
    if (k.name.endsWith('__op')) continue;
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    perStep.set(key, (perStep.get(key) ?? 0) + (k.kernelTimeMs as number));
  }
  for (const [key, ms] of perStep) samples.set(key, [...(samples.get(key) ?? []), ms]);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows = [...samples].map(([key, xs]) => [key, median(xs)] as const).sort((a, b) => b[1] - a[1]);
const total = rows.reduce((s, [, ms]) => s + ms, 0);
console.log(`kernels: ${total.toFixed(1)} ms per step (sum of per-kernel medians over ${profiledSteps} steps)`);
for (const [key, ms] of rows.slice(0, top)) console.log(`${ms.toFixed(2).padStart(8)} ms  ${(100 * ms / total).toFixed(1).padStart(5)}%  ${key}`);
const byName = new Map<string, number>();
for (const [key, ms] of rows) byName.set(key.split(' ')[0]!, (byName.get(key.split(' ')[0]!) ?? 0) + ms);
console.log('by kernel:');
for (const [name, ms] of [...byName].sort((a, b) => b[1] - a[1])) console.log(`${ms.toFixed(2).padStart(8)} ms  ${(100 * ms / total).toFixed(1).padStart(5)}%  ${name}`);
