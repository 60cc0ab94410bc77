import { afterEach, describe, expect, test } from 'vitest';
import { existsSync, symlinkSync, writeFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppService } from '../service';
import { openDatabase } from '../store';
import { tempDir, writeBadFiles, writeImage } from '../test-support/fixtures';
import type { ImportResult } from '../api/types';
import { contentPath } from './files';
import { sha256Hex } from './ingest';

let cleanup = () => {};
let service: AppService | null = null;
afterEach(async () => {
  await service?.close();
  service = null;
  cleanup();
});

async function setup(classes: string[] = []) {
  const t = tempDir();
  cleanup = t.cleanup;
  service = new AppService({ transport: 'in-process' });
  await service.invoke('project.create', { dir: join(t.dir, 'proj'), classes });
  return { root: t.dir, service };
}

async function runImport(s: AppService, paths: string[], format: 'auto' | 'folder' | 'imagefolder' | 'csv' = 'auto', split: 'auto' | 'train' = 'auto') {
  const { jobId } = await s.invoke('jobs.start', { kind: 'import', input: { paths, format, split } });
  const job = await s.waitForJob(jobId);
  return { job, result: job.result as ImportResult };
}

describe('image import', () => {
  test('imports good images from nested folders and reports each bad file by path', async () => {
    const { root, service: s } = await setup();
    const src = join(root, 'photos');
    for (let i = 0; i < 12; i++) await writeImage(join(src, i % 2 ? 'a' : 'b/deeper', `img${i}.jpg`), i);
    await writeImage(join(src, 'pic.png'), 100, { format: 'png' });
    const bad = writeBadFiles(join(src, 'bad'));
    writeFileSync(join(src, 'notes.txt'), 'not an image, not even by name');
    const { job, result } = await runImport(s, [src]);
    expect(job.state).toBe('done');
    expect(result.imported).toBe(13);
    expect(result.duplicates).toBe(0);
    expect(result.errors.map((e) => e.path).sort()).toEqual([...bad].sort());
    expect(result.errors.find((e) => e.path.endsWith('empty.jpg'))!.reason).toMatch(/empty/);
    expect(result.errors.find((e) => e.path.endsWith('truncated.jpg'))!.reason).toMatch(/corrupt|truncated/);
    expect(result.errors.find((e) => e.path.endsWith('not-an-image.png'))!.reason).toMatch(/not an image/);
    // Stored in the order the folder lists them, whatever order they finished decoding in.
    const paths = (await s.invoke('images.list', { limit: 100 })).items.map((i) => i.originalPath);
    expect(paths).toEqual([...paths].sort());
    const stats = await s.invoke('stats.get', {});
    expect(stats.images).toBe(13);
    expect(stats.unlabeled).toBe(13);
    expect(stats.splits.unlabeled).toBe(13);
  });

  test('finds duplicates by content, within one import and across imports', async () => {
    const { root, service: s } = await setup();
    await writeImage(join(root, 'in', 'one.jpg'), 1);
    await writeImage(join(root, 'in', 'two.jpg'), 2);
    // Same bytes under another name.
    await writeImage(join(root, 'in', 'copy-of-one.jpg'), 1);
    const first = await runImport(s, [join(root, 'in')]);
    expect(first.result).toMatchObject({ imported: 2, duplicates: 1 });
    const second = await runImport(s, [join(root, 'in', 'one.jpg'), join(root, 'in', 'two.jpg')]);
    expect(second.result).toMatchObject({ imported: 0, duplicates: 2, errors: [] });
  });

  test('stores the EXIF-corrected size and serves an upright display copy', async () => {
    const { root, service: s } = await setup();
    // 60x20 pixels stored, orientation 6 (rotate 90): a person sees it 20 wide and 60 tall.
    await writeImage(join(root, 'rot.jpg'), 7, { width: 60, height: 20, orientation: 6 });
    await writeImage(join(root, 'plain.jpg'), 8, { width: 60, height: 20 });
    await runImport(s, [join(root, 'rot.jpg'), join(root, 'plain.jpg')]);
    const page = await s.invoke('images.list', {});
    const rot = page.items.find((i) => i.fileName === 'rot.jpg')!;
    const plain = page.items.find((i) => i.fileName === 'plain.jpg')!;
    expect([rot.width, rot.height]).toEqual([20, 60]);
    expect([plain.width, plain.height]).toEqual([60, 20]);
    const display = s.mediaFile(rot.id, 'full');
    expect(display.contentType).toBe('image/webp');
    const sharp = (await import('sharp')).default;
    const meta = await sharp(display.path).metadata();
    expect([meta.width, meta.height]).toEqual([20, 60]);
    expect(s.mediaFile(plain.id, 'full').contentType).toBe('image/jpeg');
    const thumb = await sharp(s.mediaFile(rot.id, 'thumb').path).metadata();
    expect(thumb.height! > thumb.width!).toBe(true);
  });

  test('ImageFolder layout gives classes, and split folders give splits', async () => {
    const { root, service: s } = await setup(['cat']);
    const src = join(root, 'dataset');
    await writeImage(join(src, 'train', 'cat', 'a.jpg'), 1);
    await writeImage(join(src, 'train', 'dog', 'b.jpg'), 2);
    await writeImage(join(src, 'test', 'dog', 'c.jpg'), 3);
    const { result } = await runImport(s, [src]);
    expect(result).toMatchObject({ imported: 3, errors: [] });
    const stats = await s.invoke('stats.get', {});
    expect(stats.classes).toEqual([{ name: 'cat', count: 1, regions: 0 }, { name: 'dog', count: 2, regions: 0 }]);
    expect(stats.splits).toEqual({ train: 2, val: 0, test: 1, unlabeled: 0 });
    const img = (await s.invoke('images.list', {})).items.find((i) => i.fileName === 'a.jpg')!;
    const detail = await s.invoke('images.get', { id: img.id });
    expect(detail.annotations).toHaveLength(1);
    expect(detail.annotations[0]).toMatchObject({ kind: 'tag', source: 'human', status: 'accepted', author: 'import' });
  });

  test('a labels CSV imports classes and splits and names its bad lines', async () => {
    const { root, service: s } = await setup();
    await writeImage(join(root, 'csv', 'images', 'x.jpg'), 1);
    await writeImage(join(root, 'csv', 'images', 'y, with comma.jpg'), 2);
    writeFileSync(
      join(root, 'csv', 'labels.csv'),
      'path,label,split\nimages/x.jpg,zebra,val\n"images/y, with comma.jpg",horse,\n,orphan,\nimages/z.jpg,zebra,holdout\nimages/missing.jpg,zebra,\n',
    );
    const { result } = await runImport(s, [join(root, 'csv', 'labels.csv')]);
    expect(result.imported).toBe(2);
    expect(result.errors).toEqual([
      { path: `${join(root, 'csv', 'labels.csv')}:4`, reason: 'the path column is empty' },
      { path: `${join(root, 'csv', 'labels.csv')}:5`, reason: 'unknown split "holdout" (expected train, val or test)' },
      { path: join(root, 'csv', 'images', 'missing.jpg'), reason: expect.stringMatching(/ENOENT/) },
    ]);
    const stats = await s.invoke('stats.get', {});
    expect(stats.classes.map((c) => c.name).sort()).toEqual(['horse', 'zebra']);
    expect(stats.splits.val).toBe(1);
  });

  test('a symlink loop in an imported folder ends, and a missing path is reported', async () => {
    const { root, service: s } = await setup();
    await writeImage(join(root, 'loop', 'a.jpg'), 1);
    mkdirSync(join(root, 'loop', 'sub'));
    symlinkSync(join(root, 'loop'), join(root, 'loop', 'sub', 'back'));
    const { result } = await runImport(s, [join(root, 'loop'), join(root, 'nowhere')]);
    expect(result.imported).toBe(1);
    expect(result.errors).toEqual([{ path: join(root, 'nowhere'), reason: 'no such file or folder' }]);
  });

  test('cancel stops the import and keeps what was already imported', async () => {
    const { root, service: s } = await setup();
    for (let i = 0; i < 120; i++) await writeImage(join(root, 'many', `i${i}.png`), i, { format: 'png', width: 300, height: 300 });
    const { jobId } = await s.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'many')], format: 'auto', split: 'auto' } });
    await new Promise<void>((resolve) => {
      const off = s.on('jobProgress', (p) => {
        if (p.jobId === jobId && p.step >= 5) {
          off();
          void s.invoke('jobs.cancel', { jobId }).then(() => resolve());
        }
      });
    });
    const job = await s.waitForJob(jobId);
    expect(job.state).toBe('cancelled');
    const imported = (job.result as ImportResult).imported;
    expect(imported).toBeGreaterThan(0);
    expect(imported).toBeLessThan(120);
    expect((await s.invoke('stats.get', {})).images).toBe(imported);
    // Every stored image has its media copy and thumbnail.
    for (const item of (await s.invoke('images.list', { limit: 1000 })).items) {
      expect(existsSync(s.mediaFile(item.id, 'thumb').path)).toBe(true);
      expect(existsSync(s.mediaFile(item.id, 'full').path)).toBe(true);
    }
  });
  test('a disk error in one decoder ends the import with nothing written after it has ended', async () => {
    const { root, service: s } = await setup();
    const files: string[] = [];
    for (let i = 0; i < 60; i++) {
      const f = join(root, 'many', `i${String(i).padStart(2, '0')}.png`);
      await writeImage(f, i, { format: 'png', width: 200, height: 200 });
      files.push(f);
    }
    // The media copy of the 4th image cannot be written: a folder (not empty) sits at its path.
    const proj = join(root, 'proj');
    const blocked = contentPath(join(proj, 'media'), sha256Hex(readFileSync(files[3]!)), '.png');
    mkdirSync(join(blocked, 'occupied'), { recursive: true });
    const { job } = await runImport(s, [join(root, 'many')]);
    expect(job.state).toBe('failed');
    const countMedia = () => readdirSync(join(proj, 'media'), { recursive: true }).filter((n) => String(n).endsWith('.png')).length;
    const afterEnd = { images: (await s.invoke('stats.get', {})).images, media: countMedia() };
    // The pool's other decoders were stopped and waited for: a while later nothing more has been
    // stored (before the fix they went on importing the rest of the folder after the failure).
    await new Promise((r) => setTimeout(r, 1500));
    expect({ images: (await s.invoke('stats.get', {})).images, media: countMedia() }).toEqual(afterEnd);
    expect(afterEnd.images).toBeLessThan(60);
  });
  test('an import beside another process that is writing waits for the lock without freezing the thread, and stores everything', async () => {
    const { root, service: s } = await setup();
    for (let i = 0; i < 30; i++) await writeImage(join(root, 'some', `i${i}.png`), i, { format: 'png' });
    const other = openDatabase(join(root, 'proj', 'project.sqlite'));
    try {
      const { jobId } = await s.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'some')], format: 'auto', split: 'auto' } });
      // Once the job runs, another process holds the write lock for a while; the release is a
      // timer, which can fire only if the import never blocks the event loop waiting for the lock.
      other.exec('BEGIN IMMEDIATE');
      setTimeout(() => other.exec('COMMIT'), 500);
      const job = await s.waitForJob(jobId);
      expect(job.state).toBe('done');
      expect((job.result as ImportResult).imported).toBe(30);
      expect((await s.invoke('stats.get', {})).images).toBe(30);
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  });
});
