import { afterEach, describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckedService } from '../test-support/checking-replies';
import { tempDir, writeImage } from '../test-support/fixtures';
import type { ExportResult, ImportResult } from '../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

async function service() {
  const t = tempDir();
  const s = new CheckedService({ transport: 'in-process' });
  cleanup = async () => {
    await s.close();
    t.cleanup();
  };
  const run = async (input: never) => {
    const job = await s.waitForJob((await s.invoke('jobs.start', input)).jobId);
    expect(job.error).toBeNull();
    return job.result;
  };
  return { t, s, run };
}

describe('detection datasets in and out of a project', () => {
  test('COCO in, COCO and YOLO out, YOLO back in: same boxes, polygons and classes; bad entries named', async () => {
    const { t, s, run } = await service();
    const src = join(t.dir, 'coco');
    await writeImage(join(src, 'a.jpg'), 1, { width: 100, height: 50 });
    await writeImage(join(src, 'b.jpg'), 2, { width: 80, height: 80 });
    writeFileSync(
      join(src, 'instances.json'),
      JSON.stringify({
        images: [{ id: 1, file_name: 'a.jpg', width: 100, height: 50 }, { id: 2, file_name: 'b.jpg', width: 80, height: 80 }],
        categories: [{ id: 7, name: 'cat' }, { id: 9, name: 'dog' }],
        annotations: [
          { id: 1, image_id: 1, category_id: 7, bbox: [10, 5, 20, 10], iscrowd: 0, area: 200 },
          { id: 2, image_id: 2, category_id: 9, bbox: [0, 0, 40, 40], segmentation: [[0, 0, 40, 0, 40, 40]], iscrowd: 0, area: 800 },
          { id: 3, image_id: 2, category_id: 99, bbox: [1, 1, 2, 2], iscrowd: 0, area: 4 },
        ],
      }),
    );
    await s.invoke('project.create', { dir: join(t.dir, 'p1'), task: 'detect' });
    const imported = (await run({ kind: 'import', input: { paths: [join(src, 'instances.json')], format: 'coco' } } as never)) as ImportResult;
    expect(imported.imported).toBe(2);
    expect(imported.errors).toEqual([expect.objectContaining({ path: expect.stringContaining('annotations[2]'), reason: expect.stringMatching(/categor/i) })]);
    const first = (await s.invoke('images.list', {})).items[0]!;
    const shapes = (await s.invoke('images.get', { id: first.id })).annotations.filter((a) => a.kind === 'box');
    expect(shapes).toHaveLength(1);
    expect(shapes[0]!.geometry).toEqual({ x: 0.1, y: 0.1, w: 0.2, h: 0.2 });

    const cocoOut = join(t.dir, 'out-coco', 'annotations.json');
    expect(((await run({ kind: 'export', input: { format: 'coco', out: cocoOut } } as never)) as ExportResult).images).toBe(2);
    const written = JSON.parse(readFileSync(cocoOut, 'utf8'));
    expect(written.categories.map((c: { name: string }) => c.name)).toEqual(['cat', 'dog']);
    expect(written.annotations).toHaveLength(2);
    const box = written.annotations.find((a: { bbox: number[]; segmentation?: unknown[] }) => !a.segmentation?.length);
    expect(box.bbox.map((v: number) => Math.round(v * 1000) / 1000)).toEqual([10, 5, 20, 10]);

    const yoloOut = join(t.dir, 'out-yolo');
    await run({ kind: 'export', input: { format: 'yolo', out: yoloOut } } as never);
    await s.invoke('project.create', { dir: join(t.dir, 'p2'), task: 'detect' });
    const again = (await run({ kind: 'import', input: { paths: [yoloOut], format: 'yolo' } } as never)) as ImportResult;
    expect(again).toMatchObject({ imported: 2, errors: [] });
    expect((await s.invoke('classes.list', {})).map((c) => c.name)).toEqual(['cat', 'dog']);
    const img = (await s.invoke('images.list', {})).items.find((i) => i.width === 100)!;
    const back = (await s.invoke('images.get', { id: img.id })).annotations.filter((a) => a.kind === 'box')[0]!;
    const g = back.geometry as { x: number; y: number; w: number; h: number };
    expect([g.x, g.y, g.w, g.h].map((v) => +v.toFixed(6))).toEqual([0.1, 0.1, 0.2, 0.2]);
  });

  test('a malformed annotation file imports nothing and says where', async () => {
    const { t, s, run } = await service();
    await s.invoke('project.create', { dir: join(t.dir, 'p') });
    writeFileSync(join(t.dir, 'bad.json'), '{"images": [ {"id": 1, ');
    const r = (await run({ kind: 'import', input: { paths: [join(t.dir, 'bad.json')], format: 'coco' } } as never)) as ImportResult;
    expect(r.imported).toBe(0);
    expect(r.errors[0]!.path).toContain('bad.json');
    expect((await s.invoke('stats.get', {})).images).toBe(0);
  });
});
