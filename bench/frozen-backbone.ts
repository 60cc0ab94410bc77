// Frozen-backbone training on 10,000 Fashion-MNIST images: the time from "Train" to a trained
// head, first run (backbone features computed) and second run (features from the project cache).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppService } from '../src/service';
import type { TrainResult } from '../src/api/types';
import { fashionMnistAvailable, fashionMnistFolder } from './fmnist-folder';
import { report, timed } from './stats';

const COUNT = Number(process.env.BENCH_FROZEN_IMAGES ?? 10_000);

export async function benchFrozenBackbone(): Promise<void> {
  if (!fashionMnistAvailable()) {
    console.log('[frozen-backbone] skipped: install dataset-fashion-mnist');
    return;
  }
  const folder = await fashionMnistFolder(COUNT);
  const root = mkdtempSync(join(tmpdir(), 'apprentice-bench-'));
  const service = new AppService({ transport: 'in-process' });
  try {
    await service.invoke('project.create', { dir: join(root, 'p') });
    const imported = await timed(async () => service.waitForJob((await service.invoke('jobs.start', { kind: 'import', input: { paths: [folder], format: 'imagefolder' } })).jobId));
    const train = async (input: Record<string, unknown>) => {
      const job = await service.waitForJob((await service.invoke('jobs.start', { kind: 'train', input: { batchSize: 64, seed: 1, ...input } })).jobId);
      if (job.state !== 'done') throw new Error(`training failed: ${job.error?.message}`);
      return job.result as TrainResult;
    };
    const backbone = await timed(() => train({ epochs: 1 }));
    const first = await timed(() => train({ epochs: 5, learningRate: 0.01, backbone: backbone.value.modelId, mode: 'frozen' }));
    const second = await timed(() => train({ epochs: 5, learningRate: 0.01, backbone: backbone.value.modelId, mode: 'frozen' }));
    report('frozen-backbone', {
      images: COUNT,
      'import s': imported.seconds,
      'backbone (small-cnn, 1 epoch) s': backbone.seconds,
      'frozen run 1 s': first.seconds,
      'frozen run 2 (cached) s': second.seconds,
      'head accuracy': second.value.metrics.accuracy,
    });
  } finally {
    await service.close();
    rmSync(root, { recursive: true, force: true });
  }
}
