/**
 * Inference of an exported model: the small CNN (28x28x1, 10 classes) as ONNX on onnxruntime-node
 * against the same model in tfjs on the wasm training backend, batch 64, in one run; then, if
 * Debian's python3-onnx is there, the independent ONNX checker (full_check: with shape inference)
 * on every architecture's export.
 *
 *   node bin/run-ts.js bench/export/onnx-inference.ts [--rounds 10] [--batches 5] [--no-checker]
 *
 * The machine is shared and its load changes, so the engines alternate in rounds of --batches
 * batches and each one's images/s is its images over its own time. onnxruntime runs twice: with
 * one thread (like wasm, which is single-threaded under Node) and with its default thread pool.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { exportOnnx, randomSamples, verifyOnnx, type ExportMetadata } from '../../src/export/index.js';
import { selectTrainingBackend } from '../../src/training/backend/index.js';
import { ARCHITECTURES, buildArchitecture } from '../../src/training/models/index.js';
import { buildSmallCnn } from '../../src/training/models/small-cnn.js';

const PYTHON = '/usr/bin/python3';
const BATCH = 64;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

function metaFor(model: tf.LayersModel, arch: string): ExportMetadata {
  const [, height, width, channels] = model.inputs[0]!.shape as number[];
  const classes = model.outputs[0]!.shape[1] as number;
  return { id: `bench-${arch}`, arch, classes: Array.from({ length: classes }, (_, i) => `c${i}`), input: { height: height!, width: width!, channels: channels!, scale: 1 / 255 } };
}

export async function benchOnnxInference(): Promise<void> {
  const rounds = option('rounds', 10);
  const perRound = option('batches', 5);
  const backend = await selectTrainingBackend({ order: ['wasm'] });
  const model = buildSmallCnn({ height: 28, width: 28, channels: 1, numClasses: 10, seed: 1 });
  const meta = metaFor(model, 'small-cnn');
  const bytes = exportOnnx(model, meta);
  const input = randomSamples(BATCH, meta.input, 1);
  const check = await verifyOnnx(bytes, model, input, BATCH);
  console.log(`small CNN 28x28x1 -> ONNX ${(bytes.length / 1e6).toFixed(2)} MB; parity on ${BATCH} images: maxAbsDiff ${check.maxAbsDiff.toExponential(2)}, top-1 agreement ${check.top1Agreement}, verified ${check.verified}`);

  const x = tf.tensor4d(input, [BATCH, 28, 28, 1]);
  const feeds = { image: new ort.Tensor('float32', input, [BATCH, 28, 28, 1]) };
  const oneThread = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const pooled = await ort.InferenceSession.create(bytes);
  const engines: { label: string; run: () => Promise<void>; seconds: number; images: number }[] = [
    { label: `tfjs ${backend.name}`, run: async () => { const y = model.predict(x) as tf.Tensor; await y.data(); y.dispose(); }, seconds: 0, images: 0 },
    { label: 'onnxruntime-node CPU, 1 thread', run: async () => { await oneThread.run(feeds); }, seconds: 0, images: 0 },
    { label: 'onnxruntime-node CPU, default threads', run: async () => { await pooled.run(feeds); }, seconds: 0, images: 0 },
  ];
  for (const e of engines) for (let i = 0; i < 3; i++) await e.run(); // warm-up: kernels, allocations
  for (let r = 0; r < rounds; r++) {
    for (const e of engines) {
      const t0 = process.hrtime.bigint();
      for (let b = 0; b < perRound; b++) await e.run();
      e.seconds += Number(process.hrtime.bigint() - t0) / 1e9;
      e.images += perRound * BATCH;
    }
  }
  const base = engines[0]!.images / engines[0]!.seconds;
  console.log(`batch ${BATCH}, ${rounds} alternating rounds of ${perRound} batches each:`);
  for (const e of engines) {
    const ips = e.images / e.seconds;
    console.log(`  ${e.label.padEnd(44)} ${ips.toFixed(0).padStart(7)} images/s   x${(ips / base).toFixed(2)} vs tfjs`);
  }
  x.dispose();
  model.dispose();
  await Promise.all([oneThread.release(), pooled.release()]);

  if (process.argv.includes('--no-checker')) return;
  const probe = spawnSync(PYTHON, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log(`onnx.checker: skipped (${PYTHON} cannot import onnx; Debian package python3-onnx)`);
    return;
  }
  console.log(`onnx.checker.check_model(full_check=True), onnx ${probe.stdout.trim()}:`);
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-onnx-check-'));
  try {
    const variants: { name: string; channels: number; size: number; options: Parameters<typeof exportOnnx>[2] }[] = [];
    for (const arch of ARCHITECTURES) {
      variants.push({ name: arch, channels: arch === 'small-cnn' ? 1 : 3, size: arch === 'small-cnn' ? 28 : 32, options: {} });
    }
    variants.push({ name: 'mobilenetv2', channels: 3, size: 32, options: { bakedPreprocessing: true, foldBatchNorm: false, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } });
    const files: { label: string; path: string }[] = [];
    for (const v of variants) {
      const m = buildArchitecture(v.name as (typeof ARCHITECTURES)[number], { height: v.size, width: v.size, channels: v.channels, numClasses: 10, seed: 2, dropout: 0.2 });
      const path = join(dir, `${v.name}${v.options?.bakedPreprocessing ? '-baked' : ''}.onnx`);
      writeFileSync(path, exportOnnx(m, metaFor(m, v.name), v.options));
      files.push({ label: `${v.name} ${v.size}x${v.size}x${v.channels}${v.options?.bakedPreprocessing ? ' (baked uint8 input, BatchNormalization kept)' : ''}`, path });
      m.dispose();
    }
    const script = [
      'import sys, onnx',
      'for path in sys.argv[1:]:',
      '    try:',
      '        onnx.checker.check_model(path, full_check=True)',
      "        print('pass')",
      '    except Exception as e:',
      "        print('FAIL ' + str(e).splitlines()[0])",
    ].join('\n');
    const run = spawnSync(PYTHON, ['-c', script, ...files.map((f) => f.path)], { encoding: 'utf8' });
    const lines = run.stdout.trim().split('\n');
    files.forEach((f, i) => console.log(`  ${f.label.padEnd(64)} ${lines[i] ?? `no answer (${run.stderr.trim().split('\n').pop()})`}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOnnxInference();
