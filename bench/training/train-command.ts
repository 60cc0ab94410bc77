/**
 * The whole `apprentice train` command as a user feels it: a separate process, timed from outside
 * (start-up, loading and decoding the PNGs, the batch loop, validation, checkpoints, evaluation and
 * saving), on a project of Fashion-MNIST PNGs, against PyTorch's batch loop on the same number of
 * images, epochs, batch and optimizer (bench/training/small_cnn_torch.py, threads = the replicas
 * tfjs uses), in one run.
 *
 *   node bin/run-ts.js bench/training/train-command.ts [--images 5000] [--epochs 3]
 *
 * The figure is images trained (epochs x training split) / the command's wall seconds; the
 * command's own report gives its batch-loop rate beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../../src/test-support/cli';
import { fashionMnistAvailable, fashionMnistFolder } from '../fmnist-folder';
import { report } from '../stats';

const PYTHON = '/usr/bin/python3';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

async function run(args: string[]): Promise<Record<string, unknown>> {
  const r = await cli([...args, '--json']);
  if (r.code !== 0) throw new Error(`apprentice ${args[0]} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** PyTorch's batch loop on `images` Fashion-MNIST images (from the same idx files the PNGs were written from). */
function torchBatchLoop(images: number, epochs: number, threads: number): { imagesPerS: number; torch: string; threads: number } | null {
  if (spawnSync(PYTHON, ['-c', 'import torch']).status !== 0) return null;
  const script = join(import.meta.dirname, 'small_cnn_torch.py');
  const r = spawnSync(PYTHON, [script, '--limit', String(images), '--epochs', String(epochs), '--threads', String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`small_cnn_torch.py failed: ${r.stderr}`);
  const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { images_per_s: number; torch: string; threads: number };
  return { imagesPerS: s.images_per_s, torch: s.torch, threads: s.threads };
}

export async function benchTrainCommand(): Promise<void> {
  if (!fashionMnistAvailable()) {
    console.log('train-command: skipped (Debian dataset-fashion-mnist is not installed)');
    return;
  }
  const count = option('images', 5000);
  const epochs = option('epochs', 3);
  const folder = await fashionMnistFolder(count);
  const dir = mkdtempSync(join(tmpdir(), 'apprentice-train-bench-'));
  try {
    const project = join(dir, 'project');
    await run(['init', project]);
    // Everything in train (the PyTorch side trains on all of them too); the command still holds out
    // its 10% validation set from train, as it does for any project without a val split.
    await run(['import', project, folder, '--format', 'imagefolder', '--split', 'train']);
    const t0 = performance.now();
    const result = await run(['train', project, '--arch', 'small-cnn', '--epochs', String(epochs), '--batch', '64', '--optimizer', 'adam', '--lr', '0.001']);
    const wall = (performance.now() - t0) / 1000;
    const trained = (result.trainedImages as number | undefined) ?? Number.NaN;
    const torch = torchBatchLoop(count, epochs, availableParallelism());
    const figures: Record<string, number | string> = {
      'command wall s': wall,
      'images trained': trained,
      'command img/s (wall)': trained / wall,
      'reported batch-loop img/s': result.imagesPerSecond as number,
      'reported wall img/s': (result.wallImagesPerSecond as number | undefined) ?? Number.NaN,
      backend: result.backend as string,
    };
    if (torch) {
      figures['pytorch batch loop img/s'] = torch.imagesPerS;
      figures.pytorch = `${torch.torch} ${torch.threads} threads`;
      figures['ratio command wall vs pytorch batch loop'] = trained / wall / torch.imagesPerS;
    }
    report(`train command, ${count} PNGs, ${epochs} epochs`, figures);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchTrainCommand();
