// Load: a project of 100,000 images and 1,000,000 annotations (tags, pseudo-labels, boxes).
// Gallery pages, review-queue pages and stats, through the in-process AppApi: p50 and p95 in ms.
// Goal (issue "Reliability"): every one under 20 ms p95.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppService } from '../src/service';
import { createProject, paletteColor } from '../src/store';
import { percentile, report } from './stats';

const IMAGES = Number(process.env.BENCH_LOAD_IMAGES ?? 100_000);
const ANNOTATIONS = Number(process.env.BENCH_LOAD_ANNOTATIONS ?? 1_000_000);

export function fill(dir: string): number {
  const handle = createProject(dir, 'detect', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], paletteColor);
  const db = handle.db;
  let annotations = 0;
  db.transaction(() => {
    db.prepare("INSERT INTO models (id, name, arch, kind, path) VALUES ('teacher', 't', 'small-cnn', 'trained', 'models/teacher')").run();
    const image = db.prepare("INSERT INTO images (id, sha256, original_path, file_name, media_path, width, height, format, bytes, split, class_id) VALUES (?, ?, ?, ?, ?, 640, 480, 'jpeg', 50000, ?, ?)");
    const tag = db.prepare("INSERT INTO annotations (image_id, class_id, kind, source, status, author) VALUES (?, ?, 'tag', 'human', 'accepted', 'load')");
    const pseudo = db.prepare("INSERT INTO annotations (image_id, class_id, kind, source, model_id, round, confidence, soft_label, status, entropy, margin, temperature) VALUES (?, ?, 'tag', 'pseudo', 'teacher', 1, ?, '[0.1,0.9]', ?, ?, ?, 2)");
    const box = db.prepare("INSERT INTO annotations (image_id, class_id, kind, geometry, source, status, author) VALUES (?, ?, 'box', '{\"x\":0.1,\"y\":0.1,\"w\":0.2,\"h\":0.2}', 'human', 'accepted', 'load')");
    const splits = ['train', 'val', 'test', 'unlabeled'];
    // Boxes fill the rest: 0.6 tags and 1 pseudo-label per image already.
    const boxesPerImage = Math.max(0, ANNOTATIONS / IMAGES - 1.6);
    for (let i = 1; i <= IMAGES; i++) {
      const labeled = i % 10 < 6;
      const cls = 1 + (i % 10);
      image.run(i, i.toString(16).padStart(64, '0'), `/data/img${i}.jpg`, `img${i}.jpg`, `media/${i}.jpg`, labeled ? splits[i % 3] : 'unlabeled', labeled ? cls : null);
      if (labeled) {
        tag.run(i, cls);
        annotations++;
      }
      const conf = (i * 7919 % 1000) / 1000;
      pseudo.run(i, cls, conf, ['pending', 'pending', 'accepted', 'rejected'][i % 4], 1 - conf, conf / 2);
      annotations++;
      const boxes = Math.floor(i * boxesPerImage) - Math.floor((i - 1) * boxesPerImage);
      for (let b = 0; b < boxes; b++) {
        box.run(i, 1 + ((i + b) % 10));
        annotations++;
      }
    }
  })();
  handle.close();
  return annotations;
}

async function timeMany(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

export async function benchLoad(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'apprentice-bench-'));
  const dir = join(root, 'p');
  const t0 = performance.now();
  const annotations = fill(dir);
  const fillS = (performance.now() - t0) / 1000;
  const service = new AppService({ transport: 'in-process' });
  try {
    await service.invoke('project.open', { dir });
    const gallery = await timeMany(200, (i) => service.invoke('images.list', { offset: (i * 48_271) % (IMAGES - 200), limit: 200 }));
    const byClass = await timeMany(200, (i) => service.invoke('images.list', { classId: 1 + (i % 10), offset: (i * 997) % 5000, limit: 200 }));
    let cursor: { value: number; imageId: number } | null = null;
    const queue = await timeMany(200, async () => {
      const page = await service.invoke('review.queue', { order: 'confidence', limit: 100, cursor });
      cursor = page.next;
    });
    const entropy = await timeMany(100, () => service.invoke('review.queue', { order: 'entropy', limit: 100 }));
    const stats = await timeMany(50, () => service.invoke('stats.get', {}));
    report('load', {
      images: IMAGES,
      annotations,
      'fill s': fillS,
      'gallery p50/p95 ms': `${gallery.p50.toFixed(2)}/${gallery.p95.toFixed(2)}`,
      'class filter p50/p95': `${byClass.p50.toFixed(2)}/${byClass.p95.toFixed(2)}`,
      'review queue p50/p95': `${queue.p50.toFixed(2)}/${queue.p95.toFixed(2)}`,
      'review by entropy p50/p95': `${entropy.p50.toFixed(2)}/${entropy.p95.toFixed(2)}`,
      'stats p50/p95': `${stats.p50.toFixed(2)}/${stats.p95.toFixed(2)}`,
      goal: 'p95 < 20 ms',
    });
  } finally {
    await service.close();
    rmSync(root, { recursive: true, force: true });
  }
}
