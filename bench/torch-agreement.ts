// Does a PyTorch-made teacher label images here as it does in PyTorch? A torchvision-style CNN on
// 3x64x64 (random weights, ImageNet mean/std in its sidecar, no resize key) made by
// bench/torch_agreement.py, which also predicts on grayscale 28x28 PNGs through
// Compose([Resize(64), ToTensor(), Normalize]); then Apprentice's classifier pipeline (decode,
// resize as the spec says, gray -> RGB, normalize, onnxruntime) on the same files. Prints the
// argmax agreement (goal >= 99.5%) and the max abs logit difference, for the default resize
// (bilinear, Pillow's) and for sharp's resize (what teachers were fed before). Needs python3 with
// torch + torchvision + Pillow (Debian: python3-torch python3-torchvision python3-pil); skipped
// without. Run alone: node bin/run-ts.js bench/torch-agreement.ts [images]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { OnnxClassifier } from '../src/inference/onnx-classifier';
import { resolveOnnxSpec, type OnnxInputSpec } from '../src/inference/onnx-spec';
import { fashionMnistAvailable, fashionMnistFolder } from './fmnist-folder';
import { report } from './stats';

const PYTHONS = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);

/** A python3 that has torch, torchvision and Pillow, or null. */
function python(): string | null {
  return PYTHONS.find((py) => spawnSync(py, ['-c', 'import torch, torchvision, PIL']).status === 0) ?? null;
}

/**
 * Apprentice's classifier with its logits in view: the same decode, resize and normalisation as
 * predictRows (eachBatch + run), before the softmax.
 */
class LogitClassifier extends OnnxClassifier {
  static async openLogits(file: string, spec: OnnxInputSpec): Promise<LogitClassifier> {
    const { ort, session, outputName } = await OnnxClassifier.openSession(file);
    return new LogitClassifier(ort, session, spec, outputName);
  }

  async logitRows(projectDir: string, rows: { media_path: string; sha256: string }[], k: number): Promise<Float32Array> {
    const out = new Float32Array(rows.length * k);
    await this.eachBatch(projectDir, rows, {}, async (pixels, n, start) => {
      const { data } = await this.run(pixels, n);
      out.set(data.subarray(0, n * k), start * k);
    });
    return out;
  }
}

/** Fashion-like 28x28 gray images: soft blobs, hard-edged bars and noise (edges are where resamplers differ). */
async function syntheticImages(dir: string, count: number): Promise<void> {
  let seed = 20261202;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < count; i++) {
    const px = new Float64Array(28 * 28);
    for (let b = 0; b < 3; b++) {
      const [cx, cy, r, v] = [random() * 28, random() * 28, 3 + random() * 8, 80 + random() * 175];
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) px[y * 28 + x]! += v * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
    }
    const [x0, x1, y0, y1] = [Math.floor(random() * 14), 14 + Math.floor(random() * 14), Math.floor(random() * 14), 14 + Math.floor(random() * 14)];
    const bar = random() * 255;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if ((x + y) % 4 < 2) px[y * 28 + x] = bar;
    const bytes = Buffer.from(Uint8Array.from(px, (v) => Math.max(0, Math.min(255, Math.round(v + (random() - 0.5) * 40)))));
    await sharp(bytes, { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toFile(join(dir, `${String(i).padStart(4, '0')}.png`));
  }
}

function listPngs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.png'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function agreement(a: Float32Array, b: Float32Array, n: number, k: number): { agree: number; maxAbs: number; classes: number } {
  const argmax = (v: Float32Array, i: number) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (v[i * k + c]! > v[i * k + best]!) best = c;
    return best;
  };
  let agree = 0;
  let maxAbs = 0;
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (argmax(a, i) === argmax(b, i)) agree++;
    seen.add(argmax(a, i));
    for (let c = 0; c < k; c++) maxAbs = Math.max(maxAbs, Math.abs(a[i * k + c]! - b[i * k + c]!));
  }
  return { agree: agree / n, maxAbs, classes: seen.size };
}

export async function benchTorchAgreement(count = Number(process.env.BENCH_TORCH_IMAGES ?? 500)): Promise<void> {
  const py = python();
  if (!py) {
    console.log('[torch-agreement] skipped: no python3 with torch, torchvision and Pillow (Debian: python3-torch python3-torchvision python3-pil)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'apprentice-torch-agreement-'));
  try {
    let folder: string;
    let source: string;
    if (fashionMnistAvailable()) {
      folder = await fashionMnistFolder(count);
      source = 'fashion-mnist';
    } else {
      folder = join(work, 'images');
      mkdirSync(folder);
      await syntheticImages(folder, count);
      source = 'synthetic';
    }
    const files = listPngs(folder).slice(0, count);
    const r = spawnSync(py, [join(import.meta.dirname, 'torch_agreement.py'), work], { input: files.join('\n'), encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`torch_agreement.py failed: ${r.stderr}`);
    const versions = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { torch: string; torchvision: string; classes: number };
    const k = versions.classes;
    const buf = readFileSync(join(work, 'logits.f32'));
    const torchLogits = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
    const file = join(work, 'teacher.onnx');
    // The rows as a project holds them: paths under the folder, a distinct sha each (no pixel cache to share).
    const rows = files.map((f, i) => ({ media_path: relative(folder, f), sha256: String(i).padStart(64, '0') }));
    for (const resize of ['bilinear', 'sharp'] as const) {
      const { spec } = resolveOnnxSpec(file, resize === 'bilinear' ? {} : { resize });
      const model = await LogitClassifier.openLogits(file, spec);
      const t0 = performance.now();
      const ours = await model.logitRows(folder, rows, k);
      const seconds = (performance.now() - t0) / 1000;
      await model.release();
      const a = agreement(torchLogits, ours, files.length, k);
      report('torch-agreement', {
        images: `${files.length} ${source} 28x28 gray`,
        teacher: `torchvision-style CNN 3x64x64 (torch ${versions.torch}, torchvision ${versions.torchvision})`,
        resize: resize === 'bilinear' ? 'bilinear (default, Pillow)' : 'sharp (before)',
        argmaxAgreement: `${(a.agree * 100).toFixed(2)}%`,
        maxAbsLogitDiff: a.maxAbs.toExponential(2),
        torchClassesPredicted: a.classes,
        imagesPerSecond: files.length / seconds,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && /torch-agreement\.ts$/.test(process.argv[1])) await benchTorchAgreement(process.argv[2] ? Number(process.argv[2]) : undefined);
