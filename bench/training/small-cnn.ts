/**
 * Training throughput and accuracy of the small CNN on Fashion-MNIST: our tfjs path (the backend
 * the product would select, data-parallel over the cores when that is wasm) against PyTorch on the
 * CPU with 2 threads, measured in the same run on the same data, epochs, batch size and optimizer.
 *
 *   npx tsx bench/training/small-cnn.ts [--epochs 3] [--limit N] [--replicas R] [--batch 64]
 *                                       [--no-torch] [--no-tfjs]
 *
 * Only the training loop is timed on both sides (not data loading or evaluation). The machine is
 * shared and noisy: compare the ratio printed at the end, not absolute figures across runs.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { selectTrainingBackend } from '../../src/training/backend/index.js';
import { readFashionMnist, type ImageSplit } from '../../src/training/data/fashion-mnist.js';
import { buildSmallCnn } from '../../src/training/models/small-cnn.js';
import { DataParallelGradients } from '../../src/training/parallel/index.js';

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
const epochs = Number(option('epochs') ?? 3);
const limit = option('limit') === undefined ? undefined : Number(option('limit'));
const batch = Number(option('batch') ?? 64);
const lr = 1e-3;

interface Result { imagesPerS: number; testAccuracy: number; finalLoss: number; label: string }

/** Deterministic shuffle (mulberry32), so runs are comparable. */
function permutation(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

function accuracy(model: tf.LayersModel, test: ImageSplit): number {
  let correct = 0;
  const per = test.height * test.width * test.channels;
  for (let start = 0; start < test.count; start += 1000) {
    const n = Math.min(1000, test.count - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(test.images.subarray(start * per, (start + n) * per), [n, test.height, test.width, test.channels]);
      return (model.predict(x) as tf.Tensor).argMax(-1).dataSync();
    });
    for (let i = 0; i < n; i++) if (predicted[i] === test.labels[start + i]) correct++;
  }
  return correct / test.count;
}

async function runTfjs(train: ImageSplit, test: ImageSplit): Promise<Result> {
  const backend = await selectTrainingBackend();
  const replicas = Number(option('replicas') ?? backend.replicas);
  const model = buildSmallCnn({ height: 28, width: 28, channels: 1, numClasses: 10, seed: 1 });
  const optimizer = tf.train.adam(lr);
  const dp = await DataParallelGradients.create(model, { replicas });
  const per = train.height * train.width;
  const xBuf = new Float32Array(batch * per);
  const yBuf = new Int32Array(batch);
  let seconds = 0;
  let lastLoss = NaN;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = permutation(train.count, epoch + 1);
    const t0 = performance.now();
    for (let start = 0; start < train.count; start += batch) {
      const n = Math.min(batch, train.count - start);
      for (let i = 0; i < n; i++) {
        const k = order[start + i];
        xBuf.set(train.images.subarray(k * per, (k + 1) * per), i * per);
        yBuf[i] = train.labels[k];
      }
      const x = tf.tensor4d(xBuf.subarray(0, n * per), [n, 28, 28, 1]);
      const y = tf.tensor1d(yBuf.subarray(0, n), 'int32');
      lastLoss = await dp.trainStep(optimizer, x, y);
      tf.dispose([x, y]);
    }
    seconds += (performance.now() - t0) / 1000;
    console.error(`  tfjs epoch ${epoch + 1}: loss ${lastLoss.toFixed(4)}, ${(train.count * (epoch + 1) / seconds).toFixed(0)} img/s so far`);
  }
  await dp.dispose();
  return {
    imagesPerS: (train.count * epochs) / seconds,
    testAccuracy: accuracy(model, test),
    finalLoss: lastLoss,
    label: `tfjs ${backend.name}, ${replicas} replica(s)`,
  };
}

function runTorch(): Result | string {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return `PyTorch not available (${python} -c "import torch" failed)`;
  const script = fileURLToPath(new URL('./small_cnn_torch.py', import.meta.url));
  const args = [script, '--epochs', String(epochs), '--batch', String(batch), '--lr', String(lr), '--threads', '2'];
  if (limit !== undefined) args.push('--limit', String(limit));
  const run = spawnSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) return `PyTorch run failed: ${run.stderr.slice(-500)}`;
  const r = JSON.parse(run.stdout.trim().split('\n').pop()!);
  return { imagesPerS: r.images_per_s, testAccuracy: r.test_accuracy, finalLoss: r.final_loss, label: `PyTorch ${r.torch}, ${r.threads} threads` };
}

const train = readFashionMnist('train', { limit });
const test = readFashionMnist('t10k');
console.log(`small CNN, Fashion-MNIST: ${train.count} training images, ${epochs} epoch(s), batch ${batch}, Adam ${lr}`);
const ours = argv.includes('--no-tfjs') ? null : await runTfjs(train, test);
const torch = argv.includes('--no-torch') ? 'skipped' : runTorch();
const row = (r: Result) =>
  `${r.label.padEnd(52)} ${r.imagesPerS.toFixed(0).padStart(6)} img/s  test acc ${(100 * r.testAccuracy).toFixed(2)}%  last loss ${r.finalLoss.toFixed(4)}`;
if (ours) console.log(row(ours));
if (typeof torch === 'string') console.log(torch);
else console.log(row(torch));
if (ours && typeof torch !== 'string') {
  console.log(`ratio tfjs/PyTorch images/s: ${(ours.imagesPerS / torch.imagesPerS).toFixed(2)}x; ` +
    `accuracy difference: ${(100 * (ours.testAccuracy - torch.testAccuracy)).toFixed(2)} points`);
}
