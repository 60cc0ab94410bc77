// The teacher-student loop on Fashion-MNIST, as the issue asks for: 1,000 human-labeled training
// images, 20,000 unlabeled, the 10,000 test images held out. The teacher is trained on the 1,000;
// the loop then runs with no human correction (pseudo-labels auto-accepted above a threshold) for
// two rounds. Prints teacher and student test accuracy per round.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { AppService } from '../src/service';
import type { ModelMetrics, TrainResult } from '../src/api/types';
import { FASHION_MNIST_CLASSES, readFashionMnist } from '../src/training/data/fashion-mnist';
import { fashionMnistAvailable } from './fmnist-folder';
import { report, timed } from './stats';
import { cachedDir } from './cache-dir';

const LABELED = Number(process.env.BENCH_TS_LABELED ?? 1000);
const UNLABELED = Number(process.env.BENCH_TS_UNLABELED ?? 20_000);
const TEST = Number(process.env.BENCH_TS_TEST ?? 10_000);

/** Write `count` images of a split starting at `offset` as PNGs, in class folders or flat. */
async function writeSplit(dir: string, split: 'train' | 't10k', offset: number, count: number, withClasses: boolean): Promise<string> {
  // Written once, under a temporary name until complete (cache-dir.ts).
  return cachedDir(dir, async (tmp) => {
    const data = readFashionMnist(split, { limit: offset + count });
    for (let i = offset; i < offset + count; i++) {
      const folder = withClasses ? join(tmp, FASHION_MNIST_CLASSES[data.labels[i]!]!.replace('/', '-')) : tmp;
      mkdirSync(folder, { recursive: true });
      const px = Buffer.from(Uint8Array.from(data.images.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)));
      await sharp(px, { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toFile(join(folder, `${split}-${i}.png`));
    }
  });
}

export async function benchTeacherStudent(): Promise<void> {
  if (!fashionMnistAvailable()) {
    console.log('[teacher-student] skipped: install dataset-fashion-mnist');
    return;
  }
  const data = resolve(import.meta.dirname, '.data', `ts-${LABELED}-${UNLABELED}-${TEST}`);
  console.log(`writing Fashion-MNIST splits to ${data} (once) ...`);
  const labeled = await writeSplit(join(data, 'labeled'), 'train', 0, LABELED, true);
  const unlabeled = await writeSplit(join(data, 'unlabeled'), 'train', LABELED, UNLABELED, false);
  const test = await writeSplit(join(data, 'test'), 't10k', 0, TEST, true);

  const root = mkdtempSync(join(tmpdir(), 'apprentice-bench-'));
  const service = new AppService({ transport: 'in-process' });
  const run = async (input: never) => {
    const job = await service.waitForJob((await service.invoke('jobs.start', input)).jobId);
    if (job.state !== 'done') throw new Error(`${(input as { kind: string }).kind} failed: ${job.error?.message}`);
    return job.result;
  };
  try {
    await service.invoke('project.create', { dir: join(root, 'p') });
    await run({ kind: 'import', input: { paths: [labeled], format: 'imagefolder', split: 'train' } } as never);
    await run({ kind: 'import', input: { paths: [test], format: 'imagefolder', split: 'test' } } as never);
    await run({ kind: 'import', input: { paths: [unlabeled], format: 'folder', split: 'unlabeled' } } as never);
    const common = { arch: 'small-cnn', batchSize: 64, learningRate: 0.001, seed: 1 };
    const teacher = await timed(async () => (await run({ kind: 'train', input: { ...common, epochs: 30, augment: 'flip,crop:0.9', earlyStop: 8 } } as never)) as TrainResult);
    const loop = await timed(
      async () =>
        (await run({
          kind: 'self-train',
          input: {
            teacher: teacher.value.modelId,
            rounds: 2,
            acceptAbove: Number(process.env.BENCH_TS_ACCEPT ?? 0.7),
            noise: process.env.BENCH_TS_NOISE ?? 'flip,crop:0.9',
            train: { ...common, epochs: Number(process.env.BENCH_TS_EPOCHS ?? 12), alpha: Number(process.env.BENCH_TS_ALPHA ?? 0.5), temperature: 2 },
          },
        } as never)) as { rounds: { round: number; modelId: string; metrics: ModelMetrics; accepted: number }[] },
    );
    const figures: Record<string, string | number> = {
      labeled: LABELED, unlabeled: UNLABELED, test: TEST,
      'teacher test acc': teacher.value.metrics.accuracy, 'teacher s': teacher.seconds,
    };
    for (const r of loop.value.rounds) {
      figures[`round ${r.round} accepted`] = r.accepted;
      figures[`round ${r.round} student test acc`] = r.metrics.accuracy;
    }
    figures['loop s'] = loop.seconds;
    report('teacher-student', figures);
  } finally {
    await service.close();
    rmSync(root, { recursive: true, force: true });
  }
}
