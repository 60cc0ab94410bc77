/**
 * A synthetic detection project for tests (shared by the box student's tests): filled squares of
 * two colors at random places on noisy gray, PNGs written with sharp and imported through the
 * real service, the true boxes drawn as a person's regions on every labeled split.
 */
import { expect } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { CheckedService } from './checking-replies';
import { tempDir } from './fixtures';
import { iou, type Box } from '../annotation';
import { createRng } from '../training/augment/rng';

export const SIZE = 64;
export const CLASSES = ['red', 'blue'] as const;
const COLORS = [[215, 40, 45], [40, 70, 220]] as const;

export interface TrueBox extends Box {
  cls: number;
}

/** One image: a noisy gray background with 1 or 2 filled squares (12-20 px) that do not overlap. */
export function synthImage(rand: () => number): { px: Buffer; boxes: TrueBox[] } {
  const px = Buffer.alloc(SIZE * SIZE * 3);
  const base = 90 + Math.floor(rand() * 60);
  for (let i = 0; i < SIZE * SIZE * 3; i++) px[i] = base + Math.floor(rand() * 30);
  const boxes: TrueBox[] = [];
  const count = rand() < 0.5 ? 1 : 2;
  for (let tries = 0; boxes.length < count && tries < 100; tries++) {
    const side = 12 + Math.floor(rand() * 9);
    const x = Math.floor(rand() * (SIZE - side));
    const y = Math.floor(rand() * (SIZE - side));
    const box = { x: x / SIZE, y: y / SIZE, w: side / SIZE, h: side / SIZE, cls: rand() < 0.5 ? 0 : 1 };
    if (boxes.some((b) => iou(b, { x: box.x - 0.05, y: box.y - 0.05, w: box.w + 0.1, h: box.h + 0.1 }) > 0)) continue;
    boxes.push(box);
    const [r, g, b] = COLORS[box.cls]!;
    for (let yy = y; yy < y + side; yy++)
      for (let xx = x; xx < x + side; xx++) {
        const at = (yy * SIZE + xx) * 3;
        px[at] = r;
        px[at + 1] = g;
        px[at + 2] = b;
      }
  }
  return { px, boxes };
}

export async function setupDetectionProject(counts: Record<'train' | 'val' | 'test' | 'unlabeled', number>, seed = 20240611) {
  const t = tempDir();
  const service = new CheckedService({ transport: 'in-process' });
  const cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  const dir = join(t.dir, 'p');
  await service.invoke('project.create', { dir, task: 'detect', classes: [...CLASSES] });
  const rng = createRng(seed);
  const rand = () => rng.next();
  const truth = new Map<string, TrueBox[]>();
  const run = async (input: never) => service.waitForJob((await service.invoke('jobs.start', input)).jobId);
  for (const [split, n] of Object.entries(counts)) {
    const folder = join(t.dir, 'pool', split);
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < n; i++) {
      const { px, boxes } = synthImage(rand);
      const name = `${split}-${String(i).padStart(3, '0')}.png`;
      await sharp(px, { raw: { width: SIZE, height: SIZE, channels: 3 } }).png().toFile(join(folder, name));
      truth.set(name, boxes);
    }
    const job = await run({ kind: 'import', input: { paths: [folder], format: 'folder', split } } as never);
    expect(job.state).toBe('done');
  }
  const classes = await service.invoke('classes.list', {});
  const classId = (cls: number) => classes.find((c) => c.name === CLASSES[cls])!.id;
  const images = (await service.invoke('images.list', { limit: 1000 })).items;
  expect(images).toHaveLength(truth.size);
  for (const image of images) {
    const boxes = truth.get(image.fileName)!;
    if (image.split === 'unlabeled') continue;
    await service.invoke('shapes.create', { imageId: image.id, shapes: boxes.map((b) => ({ classId: classId(b.cls), kind: 'box', geometry: { x: b.x, y: b.y, w: b.w, h: b.h } })) });
  }
  return { service, run, images, truth, classId, dir, root: t.dir, cleanup };
}
