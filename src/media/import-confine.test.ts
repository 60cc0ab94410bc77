import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AppService } from '../service';
import { annotationHistory } from '../store';
import { tempDir, writeImage } from '../test-support/fixtures';
import type { ImportResult } from '../api/types';

let cleanup = () => {};
let service: AppService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
  cleanup();
});

async function setup() {
  const t = tempDir();
  cleanup = t.cleanup;
  service = new AppService({ transport: 'in-process' });
  await service.invoke('project.create', { dir: join(t.dir, 'proj'), task: 'detect' });
  return { root: t.dir, s: service };
}

type Format = 'auto' | 'folder' | 'coco' | 'yolo';
async function runImport(s: AppService, paths: string[], format: Format = 'auto', followLinks?: boolean) {
  const input = { paths, format, ...(followLinks === undefined ? {} : { followLinks }) };
  const job = await s.waitForJob((await s.invoke('jobs.start', { kind: 'import', input })).jobId);
  expect(job.error).toBeNull();
  return job.result as ImportResult;
}

const OUTSIDE = /outside the dataset folder .*--follow-links/;

function coco(images: { id: number; file: string }[], boxes: { image: number; bbox: [number, number, number, number] }[]) {
  return JSON.stringify({
    images: images.map((i) => ({ id: i.id, file_name: i.file, width: 40, height: 30 })),
    categories: [{ id: 1, name: 'thing' }],
    annotations: boxes.map((b, k) => ({ id: k + 1, image_id: b.image, category_id: 1, bbox: b.bbox, area: b.bbox[2] * b.bbox[3], iscrowd: 0 })),
  });
}

async function fileNames(s: AppService): Promise<string[]> {
  return (await s.invoke('images.list', {})).items.map((i) => i.fileName).sort();
}

describe('import stays inside the dataset', () => {
  test('COCO file_name values and symlinks that leave the dataset folder are refused per file, unless followLinks', async () => {
    const { root, s } = await setup();
    const ds = join(root, 'ds');
    await writeImage(join(ds, 'a.jpg'), 1, { width: 40, height: 30 });
    await writeImage(join(root, 'outside', 'b.jpg'), 2, { width: 40, height: 30 });
    await writeImage(join(root, 'outside', 'c.jpg'), 3, { width: 40, height: 30 });
    symlinkSync(join(root, 'outside', 'c.jpg'), join(ds, 'linked.jpg'));
    const images = [
      { id: 1, file: 'a.jpg' },
      { id: 2, file: '../../../../etc/passwd' },
      { id: 3, file: '../outside/b.jpg' },
      { id: 4, file: 'linked.jpg' },
    ];
    const boxes = images.map((i) => ({ image: i.id, bbox: [4, 3, 20, 15] as [number, number, number, number] }));
    writeFileSync(join(ds, 'annotations.json'), coco(images, boxes));

    const r = await runImport(s, [join(ds, 'annotations.json')], 'coco');
    expect(r.imported).toBe(1);
    expect(r.errors).toEqual([
      { path: join(ds, '../../../../etc/passwd'), reason: expect.stringMatching(OUTSIDE) },
      { path: join(root, 'outside', 'b.jpg'), reason: expect.stringMatching(OUTSIDE) },
      { path: join(ds, 'linked.jpg'), reason: expect.stringMatching(OUTSIDE) },
    ]);
    expect(await fileNames(s)).toEqual(['a.jpg']);

    // Knowingly: the same file with followLinks takes the linked and the ../ image (no passwd this time).
    writeFileSync(join(ds, 'annotations.json'), coco(images.filter((i) => i.id !== 2), boxes.filter((b) => b.image !== 2)));
    const again = await runImport(s, [join(ds, 'annotations.json')], 'coco', true);
    expect(again).toMatchObject({ imported: 2, duplicates: 1, errors: [] });
    expect(await fileNames(s)).toEqual(['a.jpg', 'b.jpg', 'linked.jpg']);
  });

  test('a symlinked folder inside an import folder is refused per image, unless followLinks', async () => {
    const { root, s } = await setup();
    const photos = join(root, 'photos');
    await writeImage(join(photos, 'own.jpg'), 1);
    for (let i = 0; i < 3; i++) await writeImage(join(root, 'elsewhere', `e${i}.jpg`), 10 + i);
    symlinkSync(join(root, 'elsewhere'), join(photos, 'more'));

    const r = await runImport(s, [photos]);
    expect(r.imported).toBe(1);
    expect(r.errors).toEqual([0, 1, 2].map((i) => ({ path: join(photos, 'more', `e${i}.jpg`), reason: expect.stringMatching(OUTSIDE) })));

    const knowingly = await runImport(s, [photos], 'auto', true);
    expect(knowingly).toMatchObject({ imported: 3, duplicates: 1, errors: [] });
  });

  test('a YOLO dataset never measures an image behind a symlink out of its folder', async () => {
    const { root, s } = await setup();
    const y = join(root, 'yolo');
    mkdirSync(join(y, 'labels', 'train'), { recursive: true });
    writeFileSync(join(y, 'data.yaml'), 'path: .\ntrain: images/train\nnames: [thing]\n');
    await writeImage(join(y, 'images', 'train', 'x.jpg'), 1);
    writeFileSync(join(y, 'labels', 'train', 'x.txt'), '0 0.5 0.5 0.2 0.2\n');
    await writeImage(join(root, 'elsewhere', 'e.jpg'), 2);
    symlinkSync(join(root, 'elsewhere'), join(y, 'images', 'train', 'ext'));

    const r = await runImport(s, [y], 'yolo');
    expect(r.imported).toBe(1);
    expect(r.errors).toEqual([{ path: 'images/train/ext/e.jpg', reason: expect.stringMatching(OUTSIDE) }]);
    expect(await fileNames(s)).toEqual(['x.jpg']);
  });
});

describe('labels for images already in the project', () => {
  test('a COCO file for images imported before attaches its boxes (with history), and importing it again adds none', async () => {
    const { root, s } = await setup();
    const ds = join(root, 'ds');
    await writeImage(join(ds, 'images', 'a.jpg'), 1, { width: 40, height: 30 });
    await writeImage(join(ds, 'images', 'b.jpg'), 2, { width: 40, height: 30 });
    expect(await runImport(s, [join(ds, 'images')])).toMatchObject({ imported: 2, errors: [] });
    expect((await s.invoke('stats.get', {})).splits.unlabeled).toBe(2);

    writeFileSync(
      join(ds, 'annotations.json'),
      coco(
        [{ id: 1, file: 'images/a.jpg' }, { id: 2, file: 'images/b.jpg' }],
        [{ image: 1, bbox: [0, 0, 20, 15] }, { image: 1, bbox: [20, 15, 20, 15] }, { image: 2, bbox: [4, 3, 8, 6] }],
      ),
    );
    const first = await runImport(s, [join(ds, 'annotations.json')], 'coco');
    expect(first).toEqual({ imported: 0, duplicates: 2, errors: [], skipped: [], attached: 3 });

    const boxes = async () => {
      const out: Record<string, number> = {};
      for (const img of (await s.invoke('images.list', {})).items) {
        const d = await s.invoke('images.get', { id: img.id });
        const live = d.annotations.filter((a) => a.kind === 'box');
        for (const a of live) expect(a).toMatchObject({ source: 'human', author: 'import' });
        out[img.fileName] = live.length;
      }
      return out;
    };
    expect(await boxes()).toEqual({ 'a.jpg': 2, 'b.jpg': 1 });
    // Boxed images are training data now, as after a first import of the dataset.
    expect((await s.invoke('stats.get', {})).splits.unlabeled).toBe(0);

    const second = await runImport(s, [join(ds, 'annotations.json')], 'coco');
    expect(second).toEqual({ imported: 0, duplicates: 2, errors: [], skipped: [], attached: 0 });
    expect(await boxes()).toEqual({ 'a.jpg': 2, 'b.jpg': 1 });

    // Each attached box has its creation in the annotation history, by 'import'.
    const info = await s.invoke('project.current', {});
    await s.invoke('project.close', {});
    const db = new Database(join(info!.dir, 'project.sqlite'), { readonly: true });
    try {
      const created = [1, 2].flatMap((id) => annotationHistory(db, id)).filter((h) => h.action === 'create' && h.author === 'import');
      expect(created).toHaveLength(3);
    } finally {
      db.close();
    }
  });

  test('a class tag that differs from the project is kept and reported, not silently dropped', async () => {
    const { root, s } = await setup();
    await writeImage(join(root, 'first', 'cat', 'x.jpg'), 5);
    expect(await runImport(s, [join(root, 'first')], 'auto')).toMatchObject({ imported: 1, errors: [] });
    await writeImage(join(root, 'second', 'dog', 'x.jpg'), 5); // the same bytes, another class
    await writeImage(join(root, 'second', 'dog', 'y.jpg'), 6);
    const r = await runImport(s, [join(root, 'second')], 'auto');
    expect(r).toMatchObject({ imported: 1, duplicates: 1, attached: 0 });
    expect(r.errors).toEqual([{ path: join(root, 'second', 'dog', 'x.jpg'), reason: expect.stringMatching(/already in the project labeled "cat".*"dog"/) }]);
  });
});
