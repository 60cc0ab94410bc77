// Does the studio stay responsive while it trains and pseudo-labels? The real `apprentice serve`
// and Debian's Chromium: a project of Fashion-MNIST images, a training job and a pseudo-labeling
// job running at once, while the page scrolls the gallery and asks for pages. Reports the longest
// main-thread task in the page (PerformanceObserver 'longtask') and the API latency the page saw.
// Goal (issue "Reliability"): no main-thread task over 100 ms.

import { startStudio } from '../e2e/harness';
import { ensureRendererBuilt } from './renderer-build';
import { fashionMnistAvailable, fashionMnistFolder } from './fmnist-folder';
import { pageApi as api, waitForJob as waitJob } from './page-api';
import { percentile, report } from './stats';

export async function benchUiResponsiveness(): Promise<void> {
  if (!fashionMnistAvailable()) {
    console.log('[ui-responsiveness] skipped: install dataset-fashion-mnist');
    return;
  }
  const folder = await fashionMnistFolder(10_000);
  ensureRendererBuilt();
  const studio = await startStudio();
  const { page } = studio;
  try {
    await api(page, 'project.create', { dir: 'load' });
    await page.reload();
    const start = async (kind: string, input: unknown) => ((await api(page, 'jobs.start', { kind, input })) as { jobId: string }).jobId;
    await waitJob(page, await start('import', { paths: [folder], format: 'imagefolder' }));
    const teacher = await start('train', { epochs: 1, batchSize: 64 });
    await waitJob(page, teacher);
    const models = (await api(page, 'models.list', {})) as { id: string }[];
    // Make the pool unlabeled so the teacher has something to label, then run both jobs at once.
    const ids = ((await api(page, 'images.list', { limit: 1000, split: 'test' })) as { items: { id: number }[] }).items.map((i) => i.id);
    await api(page, 'images.setSplit', { imageIds: ids, split: 'unlabeled' });
    await page.reload();
    await page.getByTestId('gallery').waitFor();
    await page.evaluate(() => {
      (globalThis as unknown as { longTasks: number[] }).longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) (globalThis as unknown as { longTasks: number[] }).longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: false } as never);
    });
    const training = await start('train', { epochs: 3, batchSize: 64 });
    const labeling = await start('pseudo-label', { teacher: models[0]!.id });
    const latencies: number[] = [];
    const until = Date.now() + 20_000;
    for (let i = 0; Date.now() < until; i++) {
      await page.getByTestId('gallery').evaluate((el, y) => el.scrollTo(0, y), (i * 977) % 40_000);
      const t = Date.now();
      await api(page, 'images.list', { offset: (i * 211) % 9000, limit: 200 });
      latencies.push(Date.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
    const longTasks = await page.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks);
    await api(page, 'jobs.cancel', { jobId: training });
    await api(page, 'jobs.cancel', { jobId: labeling });
    report('ui-responsiveness', {
      'page long tasks (>50 ms)': longTasks.length,
      'longest page task ms': longTasks.length ? Math.max(...longTasks) : 0,
      'images.list p50 ms': percentile(latencies, 50),
      'images.list p95 ms': percentile(latencies, 95),
      'images.list max ms': Math.max(...latencies),
      goal: 'no page task > 100 ms',
    });
  } finally {
    await studio.close();
  }
}
