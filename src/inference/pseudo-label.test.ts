import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppService } from '../service';
import { tempDir } from '../test-support/fixtures';
import { tinyLogClassifier, tinyMeanAffine, tinyNchwClassifier } from '../test-support/onnx-models';
import type { PseudoLabelResult } from '../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

async function solid(path: string, rgb: [number, number, number]) {
  mkdirSync(join(path, '..'), { recursive: true });
  await sharp({ create: { width: 20, height: 12, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path);
}

async function setup(colors: [number, number, number][], task: 'classify' | 'detect' = 'classify') {
  const t = tempDir();
  const service = new AppService({ transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  await service.invoke('project.create', { dir: join(t.dir, 'p'), classes: ['a', 'b'], task });
  const run = async (input: never) => service.waitForJob((await service.invoke('jobs.start', input)).jobId);
  const paths = [];
  for (const [i, c] of colors.entries()) {
    const p = join(t.dir, 'pool', `c${i}.png`);
    await solid(p, c);
    paths.push(p);
  }
  await run({ kind: 'import', input: { paths: [join(t.dir, 'pool')], format: 'folder', split: 'unlabeled' } } as never);
  return { t, service, run, paths };
}

describe('pseudo-labeling with a teacher that outputs NaN', () => {
  test('a teacher whose every output is NaN labels nothing and says so once, naming the model and the count', async () => {
    const { t, service, run } = await setup([[200, 40, 0], [30, 180, 10], [120, 100, 0]]);
    const file = join(t.dir, 'diverged.onnx');
    // Weights that diverged to NaN, as a training run that blew up leaves them.
    writeFileSync(file, tinyNchwClassifier({ channels: 3, size: 8, weights: [[NaN, 1], [1, NaN], [0, 0]] }));
    writeFileSync(join(t.dir, 'diverged.json'), JSON.stringify({ classes: ['a', 'b'], scale: 1 / 255 }));
    const job = await run({ kind: 'pseudo-label', input: { teacher: file, temperature: 1 } } as never);
    expect(job.error).toBeNull();
    const r = job.result as PseudoLabelResult;
    expect(r).toMatchObject({ labeled: 0, skipped: 3 });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.path).toBe(file);
    expect(r.errors[0]!.reason).toMatch(/diverged\.onnx/);
    expect(r.errors[0]!.reason).toMatch(/NaN/);
    expect(r.errors[0]!.reason).toMatch(/all 3 images/);
    expect((await service.invoke('review.queue', { limit: 10 })).items).toEqual([]);
  });

  test('images on which the teacher outputs NaN are each reported by path; the others are labeled', async () => {
    // Channel means above 0.5 give finite logits, any darker channel gives NaN (the log of a negative number).
    const { t, service, run, paths } = await setup([[250, 200, 180], [20, 200, 200], [220, 240, 160], [10, 10, 10]]);
    const file = join(t.dir, 'log.onnx');
    writeFileSync(file, tinyLogClassifier({ channels: 3, size: 8, classes: 2 }));
    writeFileSync(join(t.dir, 'log.json'), JSON.stringify({ classes: ['a', 'b'], scale: 1 / 255 }));
    const job = await run({ kind: 'pseudo-label', input: { teacher: file, temperature: 1 } } as never);
    expect(job.error).toBeNull();
    const r = job.result as PseudoLabelResult;
    expect(r).toMatchObject({ labeled: 2, skipped: 2 });
    expect(r.errors.map((e) => e.path).sort()).toEqual([paths[1], paths[3]].sort());
    for (const e of r.errors) expect(e.reason).toMatch(/log\.onnx.*NaN/);
    const queue = (await service.invoke('review.queue', { limit: 10 })).items;
    expect(queue).toHaveLength(2);
    for (const item of queue) expect(Number.isFinite(item.confidence)).toBe(true);
  });

  test('a detector whose outputs are NaN records no image as "nothing found" and says why', async () => {
    const { t, service, run } = await setup([[200, 40, 0], [30, 180, 10], [120, 100, 0]], 'detect');
    const file = join(t.dir, 'yolo-nan.onnx');
    // A YOLOv5 output [1, 2 boxes, 5 + 2 classes] whose every value is NaN.
    writeFileSync(file, tinyMeanAffine({ channels: 3, size: 16, dims: [2, 7], bias: new Array(14).fill(NaN), scale: new Array(14).fill(1) }));
    writeFileSync(join(t.dir, 'yolo-nan.json'), JSON.stringify({ classes: ['a', 'b'] }));
    const job = await run({ kind: 'pseudo-label', input: { teacher: file, temperature: 1 } } as never);
    expect(job.error).toBeNull();
    const r = job.result as PseudoLabelResult;
    expect(r).toMatchObject({ labeled: 0, skipped: 3, boxes: 0, emptyImages: 0 });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.path).toBe(file);
    expect(r.errors[0]!.reason).toMatch(/yolo-nan\.onnx.*NaN.*all 3 images/);
    // Nothing was recorded for them: a second run tries them again (and says so again).
    const again = (await run({ kind: 'pseudo-label', input: { teacher: file, temperature: 1 } } as never)).result as PseudoLabelResult;
    expect(again).toMatchObject({ labeled: 0, emptyImages: 0 });
    expect(again.errors).toHaveLength(1);
    expect((await service.invoke('review.images', {})).items).toEqual([]);
  });
});
