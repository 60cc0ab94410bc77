/**
 * Training throughput and accuracy of the small CNN on Fashion-MNIST: our tfjs path (the backend
 * the product selects, data-parallel over the cores when that is wasm) against PyTorch on the CPU
 * with as many threads as tfjs has replicas, in one run, on the same data, epochs, batch size and optimizer.
 *
 *   npx tsx bench/training/small-cnn.ts [--epochs 3] [--limit N] [--replicas R] [--batch 64]
 *                                       [--chunk 50] [--no-torch]
 *
 * The machine is shared and its load changes by the minute, so the two engines do not run one after
 * the other: they alternate in chunks of --chunk batches (PyTorch as a long-lived process taking
 * `train K` commands), and each side's images/s is its images over its own training time. Data
 * loading and evaluation are not timed.
 */
import * as tf from '@tensorflow/tfjs';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type TrainingBackendInfo, selectTrainingBackend } from '../../src/training/backend/index.js';
import { type ImageSplit, readFashionMnist } from '../../src/training/data/fashion-mnist.js';
import { buildSmallCnn } from '../../src/training/models/small-cnn.js';
import { DataParallelGradients } from '../../src/training/parallel/index.js';
import { createOptimizer } from '../../src/training/optim/index.js';
import { report } from '../stats.js';
import { createRng } from '../../src/training/augment/index.js';

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
const epochs = Number(option('epochs') ?? 3);
const limit = option('limit') === undefined ? undefined : Number(option('limit'));
const batch = Number(option('batch') ?? 64);
const chunk = Number(option('chunk') ?? 50);
const lr = 1e-3;
const PYTHON = '/usr/bin/python3';

/** seconds: wall clock; cpuSeconds: all threads of the process (what the load of others cannot inflate much). */
interface Chunk { seconds: number; cpuSeconds: number; images: number; loss: number }
interface Summary { imagesPerS: number; cpuMsPerImage: number; testAccuracy: number; finalLoss: number; label: string }

/** A deterministic shuffle (the training loop's seeded generator), so runs are comparable. */
const permutation = (n: number, seed: number): Int32Array => createRng(seed).permutation(n);

class TfjsTrainer {
  // The product's optimizer (fused on wasm), as `apprentice train --optimizer adam` uses it.
  private readonly optimizer = createOptimizer('adam', lr);
  private readonly per: number;
  private readonly xBuf: Float32Array;
  private readonly yBuf = new Int32Array(batch);
  private order: Int32Array;
  private epoch = 0;
  private position = 0;
  private seconds = 0;
  private cpuSeconds = 0;
  private images = 0;
  private loss = NaN;

  private constructor(
    private readonly train: ImageSplit,
    private readonly model: tf.LayersModel,
    private readonly dp: DataParallelGradients,
    private readonly backend: TrainingBackendInfo,
  ) {
    this.per = train.height * train.width * train.channels;
    this.xBuf = new Float32Array(batch * this.per);
    this.order = permutation(train.count, 1);
  }

  static async create(train: ImageSplit): Promise<TfjsTrainer> {
    const backend = await selectTrainingBackend();
    const model = buildSmallCnn({ height: 28, width: 28, channels: 1, numClasses: 10, seed: 1 });
    const replicas = Number(option('replicas') ?? backend.replicas);
    const dp = await DataParallelGradients.create(model, { replicas });
    return new TfjsTrainer(train, model, dp, backend);
  }

  async trainBatches(count: number): Promise<Chunk> {
    const { train, per } = this;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage(); // the whole process: this thread and the replica workers
    let images = 0;
    for (let b = 0; b < count; b++) {
      if (this.position >= train.count) {
        this.order = permutation(train.count, ++this.epoch + 1);
        this.position = 0;
      }
      const n = Math.min(batch, train.count - this.position);
      for (let i = 0; i < n; i++) {
        const k = this.order[this.position + i]!;
        this.xBuf.set(train.images.subarray(k * per, (k + 1) * per), i * per);
        this.yBuf[i] = train.labels[k]!;
      }
      this.position += n;
      const x = tf.tensor4d(this.xBuf.subarray(0, n * per), [n, train.height, train.width, train.channels]);
      const y = tf.tensor1d(this.yBuf.subarray(0, n), 'int32');
      this.loss = await this.dp.trainStep(this.optimizer, x, y);
      tf.dispose([x, y]);
      images += n;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    this.seconds += seconds;
    this.cpuSeconds += cpuSeconds;
    this.images += images;
    return { seconds, cpuSeconds, images, loss: this.loss };
  }

  get replicas(): number {
    return this.dp.replicas;
  }

  async summary(test: ImageSplit): Promise<Summary> {
    await this.dp.dispose();
    return {
      imagesPerS: this.images / this.seconds,
      cpuMsPerImage: (1000 * this.cpuSeconds) / this.images,
      testAccuracy: accuracy(this.model, test),
      finalLoss: this.loss,
      label: `tfjs ${this.backend.name}, ${this.dp.replicas} replica(s)`,
    };
  }
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

/** The PyTorch reference as a long-lived process answering one JSON line per command. */
class TorchTrainer {
  private readonly lines: AsyncIterator<string>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** `threads`: as many as the tfjs side has replicas, so both use the same cores. */
  static async start(threads: number): Promise<TorchTrainer | string> {
    if (spawnSync(PYTHON, ['-c', 'import torch']).status !== 0) {
      return `PyTorch not available (${PYTHON} -c "import torch" failed): tfjs figures only`;
    }
    const script = fileURLToPath(new URL('./small_cnn_torch.py', import.meta.url));
    const args = [script, '--serve', '--batch', String(batch), '--lr', String(lr), '--threads', String(threads)];
    if (limit !== undefined) args.push('--limit', String(limit));
    const trainer = new TorchTrainer(spawn(PYTHON, args));
    trainer.child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    await trainer.answer(); // {"ready": true}
    return trainer;
  }

  private async answer(): Promise<Record<string, unknown>> {
    const next = await this.lines.next();
    if (next.done) throw new Error('PyTorch process ended unexpectedly');
    return JSON.parse(next.value) as Record<string, unknown>;
  }

  async trainBatches(count: number): Promise<Chunk> {
    this.child.stdin.write(`train ${count}\n`);
    const r = await this.answer();
    return {
      seconds: r.seconds as number, cpuSeconds: r.cpu_seconds as number,
      images: r.images as number, loss: r.loss as number,
    };
  }

  async summary(): Promise<Summary> {
    this.child.stdin.write('summary\n');
    const r = await this.answer();
    this.child.stdin.end('quit\n');
    return {
      imagesPerS: r.images_per_s as number, cpuMsPerImage: r.cpu_ms_per_image as number, testAccuracy: r.test_accuracy as number,
      finalLoss: r.final_loss as number, label: `PyTorch ${r.torch as string}, ${r.threads as number} threads`,
    };
  }
}

const train = readFashionMnist('train', { limit });
const test = readFashionMnist('t10k');
const batchesPerEpoch = Math.ceil(train.count / batch);
const totalBatches = batchesPerEpoch * epochs;
console.log(`small CNN, Fashion-MNIST: ${train.count} training images, ${epochs} epoch(s) = ${totalBatches} batches of ${batch}, Adam ${lr}; alternating chunks of ${chunk} batches`);

const ours = await TfjsTrainer.create(train);
const torch = argv.includes('--no-torch') ? 'PyTorch skipped (--no-torch)' : await TorchTrainer.start(ours.replicas);
const sides: [string, { trainBatches(n: number): Promise<Chunk> }][] = [['tfjs', ours]];
if (typeof torch !== 'string') sides.push(['torch', torch]);

// A short warm-up chunk on each side, not timed: JIT, wasm compilation, allocator growth.
for (const [, side] of sides) await side.trainBatches(3);
// Timed totals per side, without the warm-up chunk.
const totals = new Map(sides.map(([name]) => [name, { seconds: 0, cpuSeconds: 0, images: 0 }]));
// Chunks run back to back see nearly the same machine load: the median of their speed ratios is
// the figure least disturbed by other work on a shared machine.
const chunkRatios: number[] = [];
for (let done = 3; done < totalBatches; done += chunk) {
  const count = Math.min(chunk, totalBatches - done);
  const line: string[] = [];
  const speeds: number[] = [];
  for (const [name, side] of sides) {
    const c = await side.trainBatches(count);
    speeds.push(c.images / c.seconds);
    const t = totals.get(name)!;
    t.seconds += c.seconds;
    t.cpuSeconds += c.cpuSeconds;
    t.images += c.images;
    line.push(`${name} ${(c.images / c.seconds).toFixed(0)} img/s (loss ${c.loss.toFixed(3)})`);
  }
  if (speeds.length === 2) chunkRatios.push(speeds[0]! / speeds[1]!);
  if (Math.floor((done + count) / batchesPerEpoch) !== Math.floor(done / batchesPerEpoch) || done + count >= totalBatches) {
    console.log(`  epoch ${((done + count) / batchesPerEpoch).toFixed(2)}: ${line.join(', ')}`);
  }
}

const results: Summary[] = [await ours.summary(test)];
if (typeof torch === 'string') console.log(torch);
else results.push(await torch.summary());
results.forEach((r, i) => {
  const t = totals.get(sides[i]![0])!;
  r.imagesPerS = t.images / t.seconds;
  r.cpuMsPerImage = (1000 * t.cpuSeconds) / t.images;
});
for (const r of results) {
  console.log(`${r.label.padEnd(50)} ${r.imagesPerS.toFixed(0).padStart(6)} img/s  ${r.cpuMsPerImage.toFixed(2)} CPU ms/img  test accuracy ${(100 * r.testAccuracy).toFixed(2)}%  last loss ${r.finalLoss.toFixed(4)}`);
}
if (results.length === 2) {
  const [a, b] = results as [Summary, Summary];
  const sorted = [...chunkRatios].sort((p, q) => p - q);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  console.log(`median ratio over ${sorted.length} pairs of adjacent chunks: ${median.toFixed(2)}x ` +
    `(quartiles ${(sorted[Math.floor(sorted.length / 4)] ?? NaN).toFixed(2)}-${(sorted[Math.floor((3 * sorted.length) / 4)] ?? NaN).toFixed(2)})`);
  console.log(`ratio tfjs/PyTorch images/s: ${(a.imagesPerS / b.imagesPerS).toFixed(2)}x ` +
    `(CPU time per image: ${(b.cpuMsPerImage / a.cpuMsPerImage).toFixed(2)}x); ` +
    `test accuracy difference: ${(100 * (a.testAccuracy - b.testAccuracy)).toFixed(2)} points`);
  report('small-cnn', {
    images: train.count, epochs,
    'tfjs img/s': a.imagesPerS, 'tfjs CPU ms/img': a.cpuMsPerImage, tfjs: a.label, 'tfjs test accuracy': a.testAccuracy,
    'pytorch img/s': b.imagesPerS, 'pytorch CPU ms/img': b.cpuMsPerImage, pytorch: b.label, 'pytorch test accuracy': b.testAccuracy,
    'ratio img/s': a.imagesPerS / b.imagesPerS, 'median chunk ratio': median,
    'accuracy difference points': 100 * (a.testAccuracy - b.testAccuracy),
  });
}
