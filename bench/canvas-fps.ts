// Is the canvas smooth on a busy image? The real `apprentice serve` and Debian's Chromium: a
// 4000×3000 photo with 2,000 boxes, panned (middle-button drag) and zoomed (wheel) by Playwright's
// mouse for a few seconds while the page records every requestAnimationFrame. Reference in the
// same run: the same image with no boxes. Goal (issue "Canvas"): >= 50 fps with 2,000 boxes.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startStudio } from '../e2e/harness';
import { ensureRendererBuilt } from './renderer-build';
import { pageApi, waitForJob } from './page-api';
import { percentile, report } from './stats';

const WIDTH = 4000;
const HEIGHT = 3000;
const BOXES = 2000;
const SECONDS = 4;

/** A photo-like 4000×3000 JPEG: gradients and circles, so decoding and drawing are realistic. */
async function writePhoto(path: string, seed: number): Promise<void> {
  const circles = Array.from({ length: 60 }, (_, i) => {
    const x = (i * 733 + seed * 97) % WIDTH;
    const y = (i * 411 + seed * 53) % HEIGHT;
    return `<circle cx="${x}" cy="${y}" r="${40 + ((i * 37) % 200)}" fill="hsl(${(i * 47 + seed * 13) % 360},60%,55%)" opacity="0.7"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#345"/><stop offset="1" stop-color="#c96"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${circles}</svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toFile(path);
}

/** 2,000 boxes of 20–120 px scattered over the image (normalized), in 5 classes. */
function boxes(classIds: number[]) {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: BOXES }, (_, i) => {
    const w = (20 + rand() * 100) / WIDTH;
    const h = (20 + rand() * 100) / HEIGHT;
    return { classId: classIds[i % classIds.length]!, kind: 'box', geometry: { x: rand() * (1 - w), y: rand() * (1 - h), w, h } };
  });
}

/** Frame intervals (ms) while the mouse pans and zooms the stage for `seconds`. */
async function panAndZoom(page: Page, seconds: number): Promise<number[]> {
  const stage = page.getByTestId('image-stage');
  const box = (await stage.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  // A string, not a function: the TypeScript loader would wrap a named inner function in a helper the page lacks.
  await page.evaluate(`(() => {
    window.frames_ = [];
    window.recording_ = true;
    const tick = (t) => { window.frames_.push(t); if (window.recording_) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const until = Date.now() + seconds * 1000;
  for (let round = 0; Date.now() < until; round++) {
    // Pan: a middle-button drag in a circle.
    await page.mouse.move(cx, cy);
    await page.mouse.down({ button: 'middle' });
    for (let i = 1; i <= 30; i++) {
      const a = (i / 30) * 2 * Math.PI;
      await page.mouse.move(cx + 150 * Math.sin(a), cy + 100 * (1 - Math.cos(a)));
    }
    await page.mouse.up({ button: 'middle' });
    // Zoom in and out around the pointer.
    for (let i = 0; i < 10; i++) await page.mouse.wheel(0, round % 2 ? 60 : -60);
  }
  const frames = (await page.evaluate('(() => { window.recording_ = false; return window.frames_; })()')) as number[];
  return frames.slice(1).map((t, i) => t - frames[i]!);
}

async function openImage(page: Page, index: number): Promise<void> {
  await page.getByTestId('gallery-cell').nth(index).dblclick();
  await page.getByTestId('label-view').waitFor();
  // Polled from here: the page's CSP rightly refuses the string evaluation waitForFunction would need.
  const stage = page.getByTestId('image-stage');
  for (const until = Date.now() + 60_000; Number(await stage.getAttribute('data-scale')) === 1; ) {
    if (Date.now() > until) throw new Error('the image never fitted the stage');
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(500);
}

export async function benchCanvasFps(): Promise<void> {
  ensureRendererBuilt();
  const studio = await startStudio();
  const { page } = studio;
  try {
    const folder = join(studio.scratch, 'photos');
    mkdirSync(folder, { recursive: true });
    await writePhoto(join(folder, 'a-busy.jpg'), 1);
    await writePhoto(join(folder, 'b-empty.jpg'), 2);
    await pageApi(page, 'project.create', { dir: 'canvas', task: 'detect', classes: ['car', 'person', 'bike', 'sign', 'tree'] });
    const { jobId } = (await pageApi(page, 'jobs.start', { kind: 'import', input: { paths: [folder] } })) as { jobId: string };
    await waitForJob(page, jobId);
    const images = ((await pageApi(page, 'images.list', {})) as { items: { id: number; fileName: string }[] }).items;
    const busy = images.find((i) => i.fileName === 'a-busy.jpg')!;
    const classes = ((await pageApi(page, 'classes.list', {})) as { id: number }[]).map((c) => c.id);
    await pageApi(page, 'shapes.create', { imageId: busy.id, shapes: boxes(classes) });
    await page.reload();
    await page.getByTestId('gallery').waitFor();

    const order = images.map((i) => i.id);
    await openImage(page, order.indexOf(images.find((i) => i.fileName === 'b-empty.jpg')!.id));
    const empty = await panAndZoom(page, SECONDS);
    await page.keyboard.press('Escape');
    await page.getByTestId('gallery').waitFor();
    await openImage(page, order.indexOf(busy.id));
    const regions = ((await pageApi(page, 'shapes.list', { imageId: busy.id })) as { regions: unknown[] }).regions.length;
    const full = await panAndZoom(page, SECONDS);

    const fps = (intervals: number[]) => 1000 / (intervals.reduce((a, b) => a + b, 0) / intervals.length);
    report('canvas-fps', {
      regions,
      'fps, 2000 boxes': fps(full),
      'p95 frame ms, 2000 boxes': percentile(full, 95),
      'fps, no boxes (reference)': fps(empty),
      'p95 frame ms, no boxes': percentile(empty, 95),
      ratio: fps(full) / fps(empty),
      goal: '>= 50 fps',
    });
  } finally {
    await studio.close();
  }
}
