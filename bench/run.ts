// `npm run bench`: every benchmark, each printing its figures and ratios measured in this run.
// Pick some with `npm run bench -- import gallery`; add `--readme` to write the figures into the
// README's performance section (bench/readme-performance.ts).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeReadmePerformance } from './readme-performance';
import { benchTrainCommand } from './training/train-command';
import { benchImport } from './import';
import { benchGallery } from './gallery';
import { benchFrozenBackbone } from './frozen-backbone';
import { benchTeacherStudent } from './teacher-student';
import { benchOnnxInference } from './export/onnx-inference';
import { benchPseudoLabel } from './pseudo-label';
import { benchLoad } from './load';
import { benchUiResponsiveness } from './ui-responsiveness';
import { benchCanvasFps } from './canvas-fps';
import { benchTorchAgreement } from './torch-agreement';
import { benchCocoMemory } from './coco-memory';
import { benchCliStartup } from './cli-startup';

/** The training-speed benchmark is its own script (it drives a PyTorch process alongside). */
function benchSmallCnn(): Promise<void> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '../bin/run-ts.js'), join(import.meta.dirname, 'training/small-cnn.ts'), '--epochs', '3'], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? done() : reject(new Error(`small-cnn bench exited with ${code}`))));
  });
}

const BENCHES: Record<string, () => Promise<void>> = {
  'small-cnn': benchSmallCnn,
  import: benchImport,
  gallery: benchGallery,
  load: benchLoad,
  'ui-responsiveness': benchUiResponsiveness,
  'canvas-fps': benchCanvasFps,
  'frozen-backbone': benchFrozenBackbone,
  'onnx-inference': benchOnnxInference,
  'pseudo-label': benchPseudoLabel,
  'teacher-student': benchTeacherStudent,
  'torch-agreement': () => benchTorchAgreement(),
  'coco-memory': benchCocoMemory,
  webgpu: () => import('./webgpu/webgpu').then((m) => m.benchWebgpu()), // Chromium WebGPU vs wasm; skips without an adapter
  'cli-startup': () => benchCliStartup(),
  'train-command': benchTrainCommand,
  architectures: () => new Promise<void>((done, reject) => spawn(process.execPath, [join(import.meta.dirname, '../bin/run-ts.js'), join(import.meta.dirname, 'training/architectures.ts')], { stdio: 'inherit' }).on('error', reject).on('close', (code) => (code === 0 ? done() : reject(new Error(`architectures bench exited with ${code}`))))), // MobileNetV2/ResNet 96x96x3 vs the same net in PyTorch
};

const args = process.argv.slice(2);
const readme = args.includes('--readme');
const wanted = args.filter((a) => !a.startsWith('--'));
// Every report of this run (ours and the benches started as processes, which inherit the variable).
const resultsDir = join(import.meta.dirname, '.data', 'results');
mkdirSync(resultsDir, { recursive: true });
process.env.BENCH_RESULTS = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
for (const [name, run] of Object.entries(BENCHES)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`== ${name}`);
  await run();
}
console.log(`figures of this run: ${process.env.BENCH_RESULTS}`);
if (readme) {
  writeReadmePerformance(join(import.meta.dirname, '..', 'README.md'), process.env.BENCH_RESULTS);
  console.log('README.md: performance section rewritten from this run');
}
