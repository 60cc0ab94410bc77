/**
 * Bad input at import: every damaged, empty, disguised or oversized file is reported by its path
 * with a reason a person understands, the rest of the batch imports, and nothing stored before
 * changes. Odd but valid images (CMYK JPEG, 16-bit PNG, animated GIF, unicode paths) import.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { AppService } from '../service';
import { tempDir, writeImage } from '../test-support/fixtures';
import type { ImportResult } from '../api/types';

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
  const info = await service.invoke('project.create', { dir: join(t.dir, 'proj'), classes });
  return { root: t.dir, s: service, info, projectDir: join(t.dir, 'proj') };
}

async function runImport(s: AppService, paths: string[]) {
  const { jobId } = await s.invoke('jobs.start', { kind: 'import', input: { paths } });
  const job = await s.waitForJob(jobId);
  expect(job.state).toBe('done');
  return job.result as ImportResult;
}

/** A noisy image, so its compressed data is large enough to cut or damage in the middle. */
function noisy(width = 64, height = 48) {
  const px = Buffer.alloc(width * height * 3);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7919 + 13) % 251;
  return sharp(px, { raw: { width, height, channels: 3 } });
}

function flip(data: Buffer, from: number, to: number): Buffer {
  const out = Buffer.from(data);
  for (let i = from; i < to; i++) out[i]! ^= 0x5a;
  return out;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A 74-byte PNG whose header says 30000x30000 RGB (2.7 GB of pixels) with a tiny IDAT. */
function decompressionBomb(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(30000, 0);
  ihdr.writeUInt32BE(30000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(1000))), pngChunk('IEND', Buffer.alloc(0))]);
}

async function meanColor(file: string | Buffer): Promise<number[]> {
  const stats = await sharp(file).stats();
  return stats.channels.slice(0, 3).map((c) => Math.round(c.mean));
}

describe('bad input at import', () => {
  test('damaged, empty, disguised and oversized files are each named with a reason; the rest imports; nothing stored before changes', async () => {
    const { root, s, info, projectDir } = await setup(['cat']);
    // What is stored before: three labeled images.
    for (let i = 0; i < 3; i++) await writeImage(join(root, 'before', `b${i}.jpg`), 500 + i);
    expect((await runImport(s, [join(root, 'before')])).imported).toBe(3);
    const beforeIds = (await s.invoke('images.list', {})).items.map((i) => i.id);
    await s.invoke('labels.setClass', { imageIds: beforeIds, classId: info.classes[0]!.id });
    const before = await Promise.all(beforeIds.map((id) => s.invoke('images.get', { id })));
    const statsBefore = await s.invoke('stats.get', {});

    const dir = join(root, 'batch');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 10; i++) await writeImage(join(dir, `good${i}.${['jpg', 'png', 'webp'][i % 3]}`), i, { format: (['jpeg', 'png', 'webp'] as const)[i % 3] });
    const good = {
      jpeg: await noisy().jpeg().toBuffer(),
      png: await noisy().png().toBuffer(),
      webp: await noisy().webp().toBuffer(),
      tiff: await noisy().tiff({ compression: 'lzw' }).toBuffer(),
      gif: await noisy().gif().toBuffer(),
    };
    const half = (b: Buffer) => b.subarray(0, Math.floor(b.length / 2));
    const mid = (b: Buffer) => flip(b, Math.floor(b.length * 0.4), Math.floor(b.length * 0.6));
    const expected: Record<string, RegExp> = {};
    const put = (name: string, data: Buffer, reason: RegExp) => {
      writeFileSync(join(dir, name), data);
      expected[join(dir, name)] = reason;
    };
    const damaged = /corrupt or truncated/;
    put('truncated.jpg', half(good.jpeg), damaged);
    put('truncated.png', half(good.png), damaged);
    put('truncated.webp', half(good.webp), damaged);
    put('truncated.tiff', half(good.tiff), /corrupt or truncated TIFF/);
    put('truncated.gif', half(good.gif), damaged);
    put('corrupt.jpg', mid(good.jpeg), damaged);
    put('corrupt.png', mid(good.png), damaged); // chunk CRCs no longer match
    put('corrupt.tif', mid(good.tiff), damaged); // LZW codes out of table
    // Lossy WebP data has no checksum: flipped bits in the middle decode to other pixels and cannot
    // be told apart from a real image. A damaged chunk header can.
    put('corrupt.webp', flip(good.webp, 12, 30), damaged);
    for (const ext of ['jpg', 'png', 'webp', 'tiff', 'gif']) put(`empty.${ext}`, Buffer.alloc(0), /empty \(0 bytes\)/);
    put('notes.jpg', Buffer.from('just some text notes, saved with the wrong name\n'), /not an image/);
    put('page.png', Buffer.from('<!doctype html><html><body>a web page</body></html>'), /not an image/);
    put('doc.webp', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n'), /not an image/);
    put('archive.tiff', Buffer.from([0x50, 0x4b, 0x03, 0x04, ...Buffer.alloc(60)]), /not an image/);
    put('bomb.png', decompressionBomb(), /pixel limit/);

    const rss = process.memoryUsage().rss;
    const result = await runImport(s, [dir]);
    expect(result.imported).toBe(10);
    expect(result.errors.map((e) => e.path).sort()).toEqual(Object.keys(expected).sort());
    for (const e of result.errors) expect(e.reason, e.path).toMatch(expected[e.path]!);
    // The bomb was refused from its header (its reason names the pixel limit, above): its 2.7 GB
    // of pixels were never decoded.
    expect(process.memoryUsage().rss - rss).toBeLessThan(500e6);

    // Only the good ones were stored: rows, media copies and thumbnails.
    const stats = await s.invoke('stats.get', {});
    expect(stats.images).toBe(13);
    const countFiles = (d: string): number => readdirSync(d, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(d, e.name)) : 1), 0);
    expect(countFiles(join(projectDir, 'media'))).toBe(13);
    expect(countFiles(join(projectDir, 'cache', 'thumbs'))).toBe(13);
    // Nothing stored before changed.
    expect(await Promise.all(beforeIds.map((id) => s.invoke('images.get', { id })))).toEqual(before);
    expect(stats.classes).toEqual(statsBefore.classes);
  });

  test('CMYK JPEG, 16-bit PNG and animated GIF import with sane thumbnails (sRGB, 8-bit, right colour, first frame)', async () => {
    const { root, s } = await setup();
    const color = { r: 200, g: 30, b: 40 };
    const base = () => sharp({ create: { width: 64, height: 48, channels: 3, background: color } });
    await base().toColourspace('cmyk').jpeg().toFile(join(root, 'cmyk.jpg'));
    await base().toColourspace('rgb16').png().toFile(join(root, 'deep.png'));
    expect((await sharp(join(root, 'cmyk.jpg')).metadata()).space).toBe('cmyk');
    expect((await sharp(join(root, 'deep.png')).metadata()).depth).toBe('ushort');
    const frames = await Promise.all(
      [
        [255, 0, 0],
        [0, 255, 0],
        [0, 0, 255],
      ].map(([r, g, b]) => sharp({ create: { width: 40, height: 30, channels: 3, background: { r: r!, g: g!, b: b! } } }).png().toBuffer()),
    );
    await sharp(frames, { join: { animated: true } }).gif({ delay: 100 }).toFile(join(root, 'anim.gif'));
    expect((await sharp(join(root, 'anim.gif')).metadata()).pages).toBe(3);

    const result = await runImport(s, [join(root, 'cmyk.jpg'), join(root, 'deep.png'), join(root, 'anim.gif')]);
    expect(result).toMatchObject({ imported: 3, errors: [] });
    const items = (await s.invoke('images.list', {})).items;
    const byName = (n: string) => items.find((i) => i.fileName === n)!;
    expect([byName('cmyk.jpg').width, byName('cmyk.jpg').height]).toEqual([64, 48]);
    expect([byName('deep.png').width, byName('deep.png').height]).toEqual([64, 48]);
    // The GIF is one frame high, not three.
    expect([byName('anim.gif').width, byName('anim.gif').height]).toEqual([40, 30]);

    for (const [name, want] of [
      ['cmyk.jpg', [200, 30, 40]],
      ['deep.png', [200, 30, 40]],
      ['anim.gif', [255, 0, 0]], // the first frame
    ] as const) {
      const thumb = s.mediaFile(byName(name).id, 'thumb').path;
      const meta = await sharp(thumb).metadata();
      expect(meta.format, name).toBe('webp');
      expect(meta.space, name).toBe('srgb');
      expect(meta.depth, name).toBe('uchar');
      expect(meta.pages ?? 1, name).toBe(1);
      const mean = await meanColor(thumb);
      mean.forEach((v, c) => expect(Math.abs(v - want[c]!), `${name} channel ${c}: ${mean.join(',')}`).toBeLessThan(30));
    }
    // The browser is shown the first frame of the GIF, upright and one frame high.
    const full = s.mediaFile(byName('anim.gif').id, 'full');
    const fullMeta = await sharp(full.path).metadata();
    expect([fullMeta.width, fullMeta.height]).toEqual([40, 30]);
  });

  test('paths with unicode and spaces import, and keep their names; a bad one is named exactly', async () => {
    const { root, s } = await setup();
    const folder = join(root, 'fotos', 'ñandú café', 'über 写真');
    await writeImage(join(folder, 'gato 🐱 (1).jpg'), 1);
    await writeImage(join(folder, 'Ünïcödé  two  spaces.png'), 2, { format: 'png' });
    const single = join(root, 'Ελληνικά αρχεία', 'εικόνα.webp');
    await writeImage(single, 3, { format: 'webp' });
    const bad = join(folder, 'сломанный файл.jpg');
    writeFileSync(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00]));

    const result = await runImport(s, [join(root, 'fotos'), single]);
    expect(result.imported).toBe(3);
    expect(result.errors).toEqual([{ path: bad, reason: expect.stringMatching(/corrupt or truncated/) }]);
    const items = (await s.invoke('images.list', {})).items;
    expect(items.map((i) => i.fileName).sort()).toEqual(['gato 🐱 (1).jpg', 'Ünïcödé  two  spaces.png', 'εικόνα.webp'].sort());
    expect(items.map((i) => i.originalPath).sort()).toEqual([join(folder, 'gato 🐱 (1).jpg'), join(folder, 'Ünïcödé  two  spaces.png'), single].sort());
    for (const item of items) expect((await sharp(s.mediaFile(item.id, 'full').path).metadata()).width).toBe(item.width);
  });
});
