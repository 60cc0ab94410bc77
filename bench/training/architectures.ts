/**
 * Training throughput of the MobileNetV2-style and ResNet-style architectures at 96x96x3: our tfjs
 * path (the backend the product selects, data-parallel over the cores when that is wasm) against
 * THE SAME network in PyTorch on the CPU, in one run.
 *
 *   npx tsx bench/training/architectures.ts [--arch mobilenetv2,resnet] [--size 96] [--batch 32]
 *       [--chunk 1] [--chunks 3] [--pool 256] [--replicas R] [--width W] [--dropout P] [--no-torch]
 *       [--torch-omp-wait PASSIVE|ACTIVE|default] [--keep-files] (leaves the files arch_torch.py reads
 *       in the temp folder, to run it by hand)
 *
 * Same network: bench/training/arch_torch.py builds its model from this model's own topology
 * (model.toJSON()) and copies this model's initial weights in; before timing, both compute the
 * logits of one batch in inference mode and the run stops if they differ by more than 1e-3 or if
 * the parameter counts differ. Same training: batch, Adam 1e-3 (epsilon 1e-7 on both), softmax
 * cross-entropy, 10 classes, on the same images: the first --pool Fashion-MNIST training images,
 * upscaled to --size by nearest neighbour and repeated over 3 channels (real pictures, so the loss
 * falls; the content does not change the speed). PyTorch runs with as many threads as the tfjs
 * side has replicas, and both sides report their CPU time per image.
 *
 * Like small-cnn.ts, the engines alternate in chunks of --chunk batches (PyTorch as a long-lived
 * process taking `train K` commands) so both see the same load on a shared machine; each side's
 * images/s is its images over its own training time, and the median of adjacent-chunk ratios is
 * printed beside the ratio of totals. One untimed warm-up batch per side first.
 *
 * PyTorch runs with OMP_WAIT_POLICY=PASSIVE unless --torch-omp-wait says otherwise (ACTIVE, or
 * 'default' for libgomp's own spin-then-sleep). Measured here on the shared 2-core machine, the
 * default policy made PyTorch erratic: its 2 OpenMP threads spin at every barrier while the other
 * is preempted, so MobileNetV2 ran at 7-19 img/s (54-147 CPU ms/img) against 64-70 img/s
 * (14-15 CPU ms/img) with PASSIVE, ResNet at 5-17 against 9-10 img/s. PASSIVE is the stronger,
 * steadier reference under load; on an idle machine it may cost PyTorch a little.
 */
import * as tf from '@tensorflow/tfjs';
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { selectTrainingBackend } from '../../src/training/backend/index.js';
import { readFashionMnist } from '../../src/training/data/fashion-mnist.js';
import { ARCHITECTURES, type ArchitectureName, buildArchitecture } from '../../src/training/models/index.js';
import { createOptimizer } from '../../src/training/optim/index.js';
import { DataParallelGradients } from '../../src/training/parallel/index.js';
import { report } from '../stats.js';
import { createRng } from '../../src/training/augment/index.js';

const argv = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}
const archs = (option('arch') ?? 'mobilenetv2,resnet').split(',') as ArchitectureName[];
for (const a of archs) if (!ARCHITECTURES.includes(a)) throw new Error(`--arch: unknown architecture ${a} (${ARCHITECTURES.join(', ')})`);
const size = Number(option('size') ?? 96);
const channels = 3;
const batch = Number(option('batch') ?? 32);
const chunk = Number(option('chunk') ?? 1);
const chunks = Number(option('chunks') ?? 3);
const poolSize = Number(option('pool') ?? 256);
const widthMultiplier = option('width') === undefined ? undefined : Number(option('width'));
const dropout = option('dropout') === undefined ? undefined : Number(option('dropout'));
const lr = 1e-3;
const classes = 10;
const checkBatch = 8;
const MAX_LOGIT_DIFF = 1e-3;
const PYTHON = '/usr/bin/python3';
const ompWait = option('torch-omp-wait') ?? 'PASSIVE';

interface Chunk { seconds: number; cpuSeconds: number; images: number; loss: number }
interface Side { trainBatches(n: number): Promise<Chunk> }

/** The image pool both engines train on: uint8 NHWC, Fashion-MNIST upscaled (nearest) to size x size x 3. */
function makePool(): { pixels: Uint8Array; labels: Int32Array } {
  const fm = readFashionMnist('train', { limit: poolSize });
  const per = size * size * channels;
  const pixels = new Uint8Array(fm.count * per);
  const src = Array.from({ length: size }, (_, i) => Math.floor((i * fm.height) / size));
  for (let n = 0; n < fm.count; n++) {
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const v = Math.round(255 * fm.images[(n * fm.height + src[i]!) * fm.width + src[j]!]!);
        const o = n * per + (i * size + j) * channels;
        for (let c = 0; c < channels; c++) pixels[o + c] = v;
      }
    }
  }
  return { pixels, labels: fm.labels.slice(0, fm.count) };
}

/** A deterministic shuffle (the training loop's seeded generator), so runs are comparable. */
const permutation = (n: number, seed: number): Int32Array => createRng(seed).permutation(n);

class TfjsSide implements Side {
  // The product's optimizer (fused on wasm, the same arithmetic as tf.train.adam), as `apprentice train` uses it.
  private readonly optimizer = createOptimizer('adam', lr);
  private readonly per = size * size * channels;
  private readonly xBuf = new Float32Array(batch * size * size * channels);
  private readonly yBuf = new Int32Array(batch);
  private order: Int32Array;
  private epoch = 0;
  private position = 0;

  constructor(private readonly pool: { pixels: Uint8Array; labels: Int32Array }, private readonly dp: DataParallelGradients) {
    this.order = permutation(pool.labels.length, 1);
  }

  async trainBatches(count: number): Promise<Chunk> {
    const { per, pool } = this;
    const n = pool.labels.length;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage(); // the whole process: this thread and the replica workers
    let images = 0;
    let loss = NaN;
    for (let b = 0; b < count; b++) {
      if (this.position >= n) {
        this.order = permutation(n, ++this.epoch + 1);
        this.position = 0;
      }
      const m = Math.min(batch, n - this.position);
      for (let i = 0; i < m; i++) {
        const k = this.order[this.position + i]!;
        const src = pool.pixels.subarray(k * per, (k + 1) * per);
        for (let p = 0, o = i * per; p < per; p++, o++) this.xBuf[o] = src[p]! / 255;
        this.yBuf[i] = pool.labels[k]!;
      }
      this.position += m;
      const x = tf.tensor4d(this.xBuf.subarray(0, m * per), [m, size, size, channels]);
      const y = tf.tensor1d(this.yBuf.subarray(0, m), 'int32');
      loss = await this.dp.trainStep(this.optimizer, x, y);
      tf.dispose([x, y]);
      images += m;
    }
    const cpu = process.cpuUsage(cpu0);
    return { seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, images, loss };
  }
}

interface LogitCheck { max_abs_diff: number; max_abs_logit: number }
interface TorchCheck { inference: LogitCheck; training: LogitCheck | null; trainable_params: number; all_params: number }

class TorchSide implements Side {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  static async start(dir: string, threads: number): Promise<{ side: TorchSide; check: TorchCheck }> {
    const script = fileURLToPath(new URL('./arch_torch.py', import.meta.url));
    const env = { ...process.env };
    if (ompWait === 'default') delete env.OMP_WAIT_POLICY;
    else env.OMP_WAIT_POLICY = ompWait;
    const args = [script, '--dir', dir, '--batch', String(batch), '--lr', String(lr), '--threads', String(threads)];
    const side = new TorchSide(spawn(PYTHON, args, { env }));
    side.child.stderr.on('data', (d: Buffer) => process.stderr.write(d));
    return { side, check: (await side.answer()) as unknown as TorchCheck };
  }

  private async answer(): Promise<Record<string, unknown>> {
    const next = await this.lines.next();
    if (next.done) throw new Error('PyTorch process ended unexpectedly (see its error above)');
    return JSON.parse(next.value) as Record<string, unknown>;
  }

  async trainBatches(count: number): Promise<Chunk> {
    this.child.stdin.write(`train ${count}\n`);
    const r = await this.answer();
    return { seconds: r.seconds as number, cpuSeconds: r.cpu_seconds as number, images: r.images as number, loss: r.loss as number };
  }

  kill(): void {
    this.child.kill();
  }

  async finish(): Promise<{ label: string; threads: number }> {
    this.child.stdin.write('summary\n');
    const r = await this.answer();
    this.child.stdin.end('quit\n');
    const policy = (r.omp_wait_policy as string | null) ?? 'default';
    return { label: `PyTorch ${r.torch as string}, ${r.threads as number} threads, OMP_WAIT_POLICY ${policy}`, threads: r.threads as number };
  }
}

/** Everything arch_torch.py needs to rebuild this exact model and train on the same images. */
function writeModelFiles(dir: string, model: tf.LayersModel, pool: { pixels: Uint8Array; labels: Int32Array }): void {
  const weights = model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: w.read().dataSync() as Float32Array }));
  writeFileSync(join(dir, 'model.json'), JSON.stringify({
    topology: model.toJSON(null, false), weights: weights.map(({ name, shape }) => ({ name, shape })),
    input: [size, size, channels], pool: pool.labels.length, check: checkBatch,
  }));
  const flat = new Float32Array(weights.reduce((s, w) => s + w.data.length, 0));
  let o = 0;
  for (const w of weights) { flat.set(w.data, o); o += w.data.length; }
  writeFileSync(join(dir, 'weights.f32'), flat);
  writeFileSync(join(dir, 'pool.u8'), pool.pixels);
  writeFileSync(join(dir, 'pool.labels.i32'), pool.labels);
  // The check batch: the first pool images, and this model's logits for them in inference mode and
  // in training mode. Inference alone is a weak check here: with the initial moving statistics the
  // batch norms do not normalise, and MobileNetV2's activations fade to logits of ~1e-5. Training
  // mode normalises with the batch's statistics, so its logits are O(1) and every layer shows.
  const per = size * size * channels;
  const x = Float32Array.from(pool.pixels.subarray(0, checkBatch * per), (v) => v / 255);
  const inference = tf.tidy(() => (model.predict(tf.tensor4d(x, [checkBatch, size, size, channels])) as tf.Tensor).dataSync() as Float32Array);
  const stats = model.nonTrainableWeights.map((w) => [w, w.read().clone()] as const);
  const training = tf.tidy(() => (model.apply(tf.tensor4d(x, [checkBatch, size, size, channels]), { training: true }) as tf.Tensor).dataSync() as Float32Array);
  // Applying in training mode moved the batch-norm averages: put back the values PyTorch starts from.
  for (const [w, v] of stats) { w.write(v); v.dispose(); }
  const check = new Float32Array(x.length + inference.length + training.length);
  check.set(x);
  check.set(inference, x.length);
  check.set(training, x.length + inference.length);
  writeFileSync(join(dir, 'check.f32'), check);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const countOf = (ws: readonly { shape: (number | null)[] }[]) => ws.reduce((s, w) => s + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);

const backend = await selectTrainingBackend();
const replicas = Number(option('replicas') ?? backend.replicas);
const torchAvailable = !argv.includes('--no-torch') && spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
const pool = makePool();
console.log(`${size}x${size}x${channels} images (the first ${pool.labels.length} Fashion-MNIST training images, upscaled), ` +
  `batch ${batch}, Adam ${lr}, softmax cross-entropy, ${classes} classes; ${chunks} timed chunk(s) of ${chunk} batch(es) per side, alternating`);
if (!torchAvailable) console.log(argv.includes('--no-torch') ? 'PyTorch skipped (--no-torch): tfjs figures only' : `PyTorch not available (${PYTHON} -c "import torch" failed): tfjs figures only`);

const summary: string[] = [];
for (const arch of archs) {
  const model = buildArchitecture(arch, {
    height: size, width: size, channels, numClasses: classes, seed: 1,
    ...(widthMultiplier !== undefined ? { widthMultiplier } : {}), ...(dropout !== undefined ? { dropout } : {}),
  });
  const trainable = countOf(model.trainableWeights);
  const all = model.countParams();
  console.log(`== ${arch}: ${model.layers.length} layers, ${trainable} trainable parameters (${all} with batch-norm statistics)`);
  const dir = mkdtempSync(join(tmpdir(), `arch-bench-${arch}-`));
  let torch: TorchSide | null = null;
  let dp: DataParallelGradients | null = null;
  let logitCheck: TorchCheck | null = null;
  try {
    writeModelFiles(dir, model, pool);
    if (torchAvailable) {
      const started = await TorchSide.start(dir, replicas);
      torch = started.side;
      const c = started.check;
      logitCheck = c;
      const show = (l: LogitCheck) => `differ by at most ${l.max_abs_diff.toExponential(2)} (largest logit ${l.max_abs_logit.toExponential(2)})`;
      console.log(`  same network: PyTorch ${c.trainable_params} trainable / ${c.all_params} all parameters; logits of ${checkBatch} images ` +
        `in inference mode ${show(c.inference)}, in training mode ${c.training ? show(c.training) : 'not compared (dropout is random)'}`);
      if (c.trainable_params !== trainable || c.all_params !== all) throw new Error(`${arch}: parameter counts differ (tfjs ${trainable}/${all}, PyTorch ${c.trainable_params}/${c.all_params})`);
      for (const [mode, l] of [['inference', c.inference], ['training', c.training]] as const) {
        if (l && !(l.max_abs_diff <= MAX_LOGIT_DIFF)) throw new Error(`${arch}: PyTorch ${mode}-mode logits differ from tfjs by ${l.max_abs_diff} > ${MAX_LOGIT_DIFF}: not the same network`);
      }
    }
    dp = await DataParallelGradients.create(model, { replicas });
    const replicaCount = dp.replicas;
    const sides: [string, Side][] = [['tfjs', new TfjsSide(pool, dp)]];
    if (torch) sides.push(['torch', torch]);
    for (const [, side] of sides) await side.trainBatches(1); // warm-up: wasm compilation, allocator growth

    const totals = sides.map(() => ({ seconds: 0, cpuSeconds: 0, images: 0, loss: NaN }));
    const ratios: number[] = [];
    for (let k = 0; k < chunks; k++) {
      const speeds: number[] = [];
      const line: string[] = [];
      for (const [i, [name, side]] of sides.entries()) {
        const c = await side.trainBatches(chunk);
        const t = totals[i]!;
        t.seconds += c.seconds;
        t.cpuSeconds += c.cpuSeconds;
        t.images += c.images;
        t.loss = c.loss;
        speeds.push(c.images / c.seconds);
        line.push(`${name} ${(c.images / c.seconds).toFixed(1)} img/s, ${((1000 * c.cpuSeconds) / c.images).toFixed(0)} CPU ms/img (loss ${c.loss.toFixed(3)})`);
      }
      if (speeds.length === 2) ratios.push(speeds[0]! / speeds[1]!);
      console.log(`  chunk ${k + 1}: ${line.join('; ')}`);
    }
    await dp.dispose();
    dp = null;
    const torchInfo = torch ? await torch.finish() : null;
    torch = null;
    const labels = [`tfjs ${backend.name}, ${replicaCount} replica(s)`, torchInfo?.label ?? ''];
    totals.forEach((t, i) => {
      console.log(`  ${labels[i]!.padEnd(72)} ${(t.images / t.seconds).toFixed(1).padStart(6)} img/s  ${((1000 * t.cpuSeconds) / t.images).toFixed(0).padStart(5)} CPU ms/img  last loss ${t.loss.toFixed(3)}`);
    });
    if (totals.length === 2) {
      const [a, b] = totals as [typeof totals[0], typeof totals[0]];
      const ratio = (a.images / a.seconds) / (b.images / b.seconds);
      const cpuRatio = (b.cpuSeconds / b.images) / (a.cpuSeconds / a.images);
      const line = `${arch}: tfjs/PyTorch ${ratio.toFixed(2)}x images/s (median of ${ratios.length} adjacent-chunk ratios ${median(ratios).toFixed(2)}x; ` +
        `CPU time per image ${cpuRatio.toFixed(2)}x), ${replicaCount} replicas vs ${torchInfo!.threads} threads`;
      console.log(`  ${line}`);
      summary.push(line);
      report(`architectures-${arch}`, {
        size, batch, images: a.images,
        'tfjs img/s': a.images / a.seconds, 'tfjs CPU ms/img': (1000 * a.cpuSeconds) / a.images, tfjs: labels[0]!, replicas: replicaCount,
        'pytorch img/s': b.images / b.seconds, 'pytorch CPU ms/img': (1000 * b.cpuSeconds) / b.images, pytorch: labels[1]!, 'pytorch threads': torchInfo!.threads,
        'ratio img/s': ratio, 'median chunk ratio': median(ratios), 'ratio CPU per image': cpuRatio,
        // As text: report() rounds numbers to 3 decimals, which would print these as 0.
        'max logit diff (inference)': logitCheck!.inference.max_abs_diff.toExponential(2),
        'max logit diff (training)': logitCheck!.training?.max_abs_diff.toExponential(2) ?? 'not compared',
      });
    }
  } finally {
    torch?.kill();
    await dp?.dispose();
    if (argv.includes('--keep-files')) console.log(`  model files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
}
if (summary.length > 1) for (const line of summary) console.log(line);
