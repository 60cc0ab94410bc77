// Gallery query speed on a 100,000-image project: one page of 200 thumbnails, as the UI asks
// for it (images.list through the in-process AppApi, zod validation included).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppService } from '../src/service';
import { createProject, insertImage, paletteColor, setHumanClass } from '../src/store';
import { percentile, report } from './stats';

const IMAGES = Number(process.env.BENCH_GALLERY_IMAGES ?? 100_000);

export async function benchGallery(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'apprentice-bench-'));
  const dir = join(root, 'p');
  const handle = createProject(dir, 'classify', ['a', 'b', 'c', 'd', 'e'], paletteColor);
  const t0 = performance.now();
  const splits = ['train', 'val', 'test', 'unlabeled'] as const;
  const ids: number[] = [];
  handle.db.transaction(() => {
    for (let i = 0; i < IMAGES; i++) {
      ids.push(
        insertImage(handle.db, {
          sha256: i.toString(16).padStart(64, '0'),
          originalPath: `/data/img${i}.jpg`,
          fileName: `img${i}.jpg`,
          mediaPath: `media/${i}.jpg`,
          width: 640,
          height: 480,
          format: 'jpeg',
          bytes: 50_000,
          split: splits[i % 4]!,
        }),
      );
    }
  })();
  // Label 60% of them, spread over five classes.
  for (let c = 1; c <= 5; c++) setHumanClass(handle.db, ids.filter((_, i) => i % 5 === c - 1 && i % 10 < 6), c, 'bench');
  const fillS = (performance.now() - t0) / 1000;
  handle.close();

  const service = new AppService({ transport: 'in-process' });
  try {
    await service.invoke('project.open', { dir });
    const measure = async (filter: Record<string, unknown>, runs = 200) => {
      const total = (await service.invoke('images.list', { ...filter, limit: 1 })).total;
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const offset = Math.floor(Math.random() * Math.max(1, total - 200));
        const t = performance.now();
        await service.invoke('images.list', { ...filter, offset, limit: 200 });
        times.push(performance.now() - t);
      }
      return { median: percentile(times, 50), p95: percentile(times, 95) };
    };
    const all = await measure({});
    const byClass = await measure({ classId: 3 });
    const unlabeled = await measure({ labeled: false });
    const bySplit = await measure({ split: 'val' });
    report('gallery', {
      images: IMAGES,
      'fill s': fillS,
      'page200 median ms': all.median,
      'p95 ms': all.p95,
      'class filter median ms': byClass.median,
      'unlabeled median ms': unlabeled.median,
      'split median ms': bySplit.median,
      goal: 'median < 5 ms',
    });
  } finally {
    await service.close();
    rmSync(root, { recursive: true, force: true });
  }
}
