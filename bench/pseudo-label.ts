// Pseudo-labeling speed: Apprentice's teacher pipeline (read PNG, decode, resize, preprocess,
// onnxruntime, softmax) against onnxruntime alone on the same images already decoded to tensors,
// in one run. Goal: >= 0.9x (issue #15). The teacher is the small CNN (random weights: speed does not depend
// on them) exported to ONNX. With Debian's python3-torch, also against the same small CNN in
// PyTorch decoding the same files with Pillow (bench/pseudo_label_torch.py).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import type * as tf from '@tensorflow/tfjs';
import { buildSmallCnn } from '../src/training/models/small-cnn';
import { buildMobileNetV2 } from '../src/training/models/mobilenetv2';
import { selectTrainingBackend } from '../src/training/backend';
import { exportOnnx } from '../src/export';
import { OnnxClassifier, resolveOnnxSpec } from '../src/inference/onnx';
import { INTRA_OP_THREADS } from '../src/inference/onnx-image-model';
import type { ResizeMethod } from '../src/inference/preprocess';
import { fashionMnistAvailable, fashionMnistFolder } from './fmnist-folder';
import { report, timed } from './stats';
import { withCpu } from './import';

const COUNT = Number(process.env.BENCH_PSEUDO_IMAGES ?? 2000);

const PYTHON = '/usr/bin/python3';

/** Who the reference is and what threads everyone had: the runtime's version and threads, sharp's. */
function threads(): Record<string, string | number> {
  const ortVersion = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
  return {
    reference: `onnxruntime-node ${ortVersion}, intraOpNumThreads 2`,
    'ours intraOpNumThreads': INTRA_OP_THREADS,
    'ours decode threads': 1,
    sharp: `${sharp.versions.sharp} (libvips ${sharp.versions.vips})`,
    'sharp.concurrency': sharp.concurrency(),
    UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    cores: availableParallelism(),
  };
}

/** The PyTorch reference (first pass with Pillow decode, and on decoded tensors), or null without torch. */
function torchRates(folder: string, files: string[]): { first_pass: number; decoded: number } | null {
  if (spawnSync(PYTHON, ['-c', 'import torch, PIL']).status !== 0) return null;
  const r = spawnSync(PYTHON, [join(import.meta.dirname, 'pseudo_label_torch.py'), '2'], { input: files.map((f) => join(folder, f)).join('\n'), encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`pseudo_label_torch.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { first_pass: number; decoded: number };
}

async function measure(label: string, folder: string, files: string[], model: tf.LayersModel, spec: { height: number; width: number; channels: 1 | 3 }, torch = false, resize?: ResizeMethod): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-bench-'));
  const file = join(dir, 'teacher.onnx');
  const k = model.outputs[0]!.shape[1]!;
  writeFileSync(file, exportOnnx(model, { id: 'bench', classes: Array.from({ length: k }, (_, i) => `c${i}`), input: { ...spec, scale: 1 / 255, layout: 'nhwc' } }));
  // The teacher reads images as a project stores them; a fresh sha per run keeps the pixel cache cold.
  const rows = (run: string) => files.map((f, i) => ({ media_path: f, sha256: `${run}${i}`.padStart(64, '0') }));
  try {
    // Exported by Apprentice, the teacher resizes as sharp does (its training pipeline); a
    // torchvision-style teacher resizes as Pillow does (`resize`).
    const { spec: onnxSpec } = resolveOnnxSpec(file, resize ? { resize } : {});
    const teacher = await OnnxClassifier.load(file, onnxSpec);
    // Warm up (JIT, and the decode thread, which starts on the first call of more than one batch).
    await teacher.predictRows(folder, rows('a').slice(0, 3 * 64));

    // Reference: the same images, decoded and resized beforehand (not timed), through onnxruntime alone.
    const size = spec.height * spec.width * spec.channels;
    const pixels = new Float32Array(files.length * size);
    for (const [i, f] of files.entries()) {
      let p = sharp(join(folder, f)).resize(spec.width, spec.height, { fit: 'fill' });
      p = spec.channels === 1 ? p.greyscale() : p.toColourspace('srgb');
      const raw = await p.raw().toBuffer();
      for (let j = 0; j < size; j++) pixels[i * size + j] = raw[j % raw.length]! / 255;
    }
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 2 });
    const runAll = async () => {
      for (let s = 0; s < files.length; s += 64) {
        const n = Math.min(64, files.length - s);
        await session.run({ image: new ort.Tensor('float32', pixels.subarray(s * size, (s + n) * size), [n, spec.height, spec.width, spec.channels]) });
      }
    };
    await runAll();
    // The machine is shared: ours and the reference take turns, twice, and each keeps its best.
    // Each first pass reads a fresh set of shas (a cold pixel cache); 'again' reads the last one's.
    let cold = { seconds: Infinity, cpuMs: 0 };
    let ref = { seconds: Infinity, cpuMs: 0 };
    for (const run of ['b', 'c']) {
      const ours = await withCpu(() => teacher.predictRows(folder, rows(run)));
      if (ours.seconds < cold.seconds) cold = ours;
      const theirs = await withCpu(runAll);
      if (theirs.seconds < ref.seconds) ref = theirs;
    }
    const reference = ref.seconds;
    const cached = (await timed(() => teacher.predictRows(folder, rows('c')))).seconds;
    await teacher.release();
    await session.release();
    const refRate = files.length / reference;
    const pt = torch ? torchRates(folder, files) : null;
    const torchFigures: Record<string, number> = pt
      ? {
          'pytorch first pass (Pillow decode) img/s': pt.first_pass,
          'pytorch on decoded tensors img/s': pt.decoded,
          'ratio first pass vs pytorch first pass': files.length / cold.seconds / pt.first_pass,
        }
      : {};
    report(`pseudo-label ${label}`, {
      images: files.length,
      'first pass (decode+preprocess+infer) img/s': files.length / cold.seconds,
      'again (pixel cache) img/s': files.length / cached,
      'onnxruntime on decoded tensors img/s': refRate,
      'ratio first pass': files.length / cold.seconds / refRate,
      // CPU time of the process per image (all threads): the decode's cost beside inference's.
      'first pass cpu ms/img': cold.cpuMs / files.length,
      'reference cpu ms/img': ref.cpuMs / files.length,
      'ratio cached': files.length / cached / refRate,
      ...torchFigures,
      goal: '>= 0.9',
      ...threads(),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(join(folder, 'cache'), { recursive: true, force: true });
  }
}

export async function benchPseudoLabel(): Promise<void> {
  if (!fashionMnistAvailable()) {
    console.log('[pseudo-label] skipped: install dataset-fashion-mnist');
    return;
  }
  const folder = await fashionMnistFolder(10_000);
  const files = readdirSync(folder).filter((c) => c !== 'cache').flatMap((c) => readdirSync(join(folder, c)).map((f) => join(c, f))).slice(0, COUNT);
  await selectTrainingBackend({ order: ['wasm'] });
  // A tiny teacher (decoding dominates) and a mid-size one (inference dominates).
  const small = buildSmallCnn({ height: 28, width: 28, channels: 1, numClasses: 10, seed: 1 });
  await measure('small-cnn 28x28x1', folder, files, small, { height: 28, width: 28, channels: 1 }, true);
  small.dispose();
  const mobile = buildMobileNetV2({ height: 96, width: 96, channels: 3, numClasses: 10, seed: 1 });
  await measure('mobilenetv2 96x96x3', folder, files.slice(0, Math.min(files.length, 1000)), mobile, { height: 96, width: 96, channels: 3 });
  await measure('mobilenetv2 96x96x3 resize bilinear (Pillow)', folder, files.slice(0, Math.min(files.length, 1000)), mobile, { height: 96, width: 96, channels: 3 }, false, 'bilinear');
  mobile.dispose();
}
