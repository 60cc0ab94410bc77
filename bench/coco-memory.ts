// Memory of a big COCO import: a synthetic ~200 MB instances JSON (pycocotools key order, many
// annotations with long polygons) read by readCoco, once streamed (what files > 32 MB get) and once
// the old way (the whole text, then JSON.parse), each in a fresh process. Printed per run: seconds,
// peak RSS, and the heap still held after the read (the neutral model itself), so the transient
// cost of the reading shows as peak minus held (minus the baseline process).
//   node bin/run-ts.js bench/coco-memory.ts [MB]        (default 200)
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { readCoco } from '../src/annotation/formats/coco';

const IMAGES = 2000;
const W = 1280;
const H = 960;
const POINTS = 150; // per polygon: ~2 KB of JSON per annotation

/** Write the file; returns its size. Deterministic (a small LCG), so runs compare. */
async function writeSynthetic(dir: string, targetMb: number): Promise<number> {
  await mkdir(join(dir, 'images'), { recursive: true });
  for (let i = 1; i <= IMAGES; i++) await writeFile(join(dir, 'images', `${i}.jpg`), '');
  let s = 12345;
  const rand = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const out = createWriteStream(join(dir, 'instances_train.json'));
  let written = 0;
  const put = async (text: string): Promise<void> => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await put('{"info": {"description": "synthetic", "version": "1.0"}, "licenses": [], "images": [');
  for (let i = 1; i <= IMAGES; i++) await put(`${i > 1 ? ', ' : ''}{"id": ${i}, "file_name": "${i}.jpg", "width": ${W}, "height": ${H}}`);
  await put('], "annotations": [');
  let id = 0;
  while (written < targetMb * 1e6) {
    id++;
    const cx = 100 + rand() * (W - 200);
    const cy = 100 + rand() * (H - 200);
    const r = 20 + rand() * 70;
    const ring: string[] = [];
    for (let k = 0; k < POINTS; k++) {
      const a = (2 * Math.PI * k) / POINTS;
      const rr = r * (0.8 + 0.2 * rand());
      ring.push((cx + rr * Math.cos(a)).toFixed(2), (cy + rr * Math.sin(a)).toFixed(2));
    }
    const img = 1 + (id % IMAGES);
    await put(`${id > 1 ? ', ' : ''}{"id": ${id}, "image_id": ${img}, "category_id": ${1 + (id % 80)}, "iscrowd": 0, "area": ${(Math.PI * r * r).toFixed(2)}, "bbox": [${(cx - r).toFixed(2)}, ${(cy - r).toFixed(2)}, ${(2 * r).toFixed(2)}, ${(2 * r).toFixed(2)}], "segmentation": [[${ring.join(', ')}]]}`);
  }
  const cats = Array.from({ length: 80 }, (_, i) => `{"id": ${i + 1}, "name": "class${i + 1}", "supercategory": "thing"}`);
  await put(`], "categories": [${cats.join(', ')}]}`);
  out.end();
  await once(out, 'finish');
  return (await stat(join(dir, 'instances_train.json'))).size;
}

/** In the child: read, then report time, peak RSS and the heap held by the result. */
async function child(mode: string, file: string): Promise<void> {
  const t0 = performance.now();
  // baseline: the process with the code loaded and nothing read (what the other peaks start from).
  const r = mode === 'baseline' ? { dataset: { images: [] }, errors: [] } : await readCoco(file, { streamAbove: mode === 'stream' ? 0 : Number.MAX_SAFE_INTEGER });
  const seconds = (performance.now() - t0) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  const held = process.memoryUsage();
  let points = 0;
  let anns = 0;
  for (const img of r.dataset.images) {
    for (const a of img.annotations) {
      anns++;
      if (a.kind === 'polygon') points += a.points.length;
    }
  }
  console.log(JSON.stringify({ mode, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, heldHeapMb: held.heapUsed / 2 ** 20, images: r.dataset.images.length, annotations: anns, points, errors: r.errors.length }));
}

/** Write a synthetic COCO of `mb` megabytes and read it streamed and whole, each in a child process (peak RSS per mode). */
export async function benchCocoMemory(mb = 200): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'apprentice-coco-memory-'));
  try {
    const t0 = performance.now();
    const size = await writeSynthetic(dir, mb);
    console.log(`wrote ${(size / 1e6).toFixed(0)} MB (${IMAGES} images) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${dir}`);
    for (const m of ['baseline', 'stream', 'whole']) {
      const run = spawnSync(process.execPath, ['--expose-gc', resolve('bin/run-ts.js'), resolve(import.meta.filename), '--child', m, join(dir, 'instances_train.json')], { encoding: 'utf8' });
      const line = run.stdout.trim().split('\n').pop() ?? '';
      if (run.status !== 0 || !line.startsWith('{')) {
        console.log(`${m}: failed (${run.status}) ${run.stderr.slice(-400)}`);
        continue;
      }
      const r = JSON.parse(line);
      if (m === 'baseline') {
        console.log(`baseline peak RSS ${r.peakRssMb.toFixed(0)} MB, heap ${r.heldHeapMb.toFixed(0)} MB (node, tsx and the code, nothing read)`);
        continue;
      }
      console.log(
        `${m.padEnd(6)} ${r.seconds.toFixed(1)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB, model held ${r.heldHeapMb.toFixed(0)} MB heap ` +
          `(${r.images} images, ${r.annotations} annotations, ${r.points} points, ${r.errors} errors)`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Run directly: `node bin/run-ts.js bench/coco-memory.ts [MB]` (the children re-enter here with --child).
if (process.argv[1] && /coco-memory\.ts$/.test(process.argv[1])) {
  const [flag, mode, file] = process.argv.slice(2);
  if (flag === '--child') await child(mode!, file!);
  else await benchCocoMemory(Number(flag ?? 200));
}
