import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, expect, it } from 'vitest';
import { FORMATS } from './index-formats';

let tmp = '';
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

it('an EXIF-rotated image: the model holds the upright size and geometry relative to it', async () => {
  tmp = await mkdtemp(join(tmpdir(), 'apprentice-exif-'));
  // 64x32 pixels stored, orientation 6 (rotate 90° clockwise to view): a person sees 32x64.
  const jpeg = await sharp({ create: { width: 64, height: 32, channels: 3, background: 'red' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toBuffer();
  await mkdir(join(tmp, 'in/images'), { recursive: true });
  await mkdir(join(tmp, 'in/labels'), { recursive: true });
  await writeFile(join(tmp, 'in/images/r.jpg'), jpeg);
  // Labels drawn on the upright image: the top half of it.
  await writeFile(join(tmp, 'in/labels/r.txt'), '0 0.5 0.25 1 0.5\n');
  await writeFile(join(tmp, 'in/data.yaml'), 'names: [top]\n');
  // The size callback the app gives: sharp, after EXIF orientation.
  const sizeOf = async (p: string) => (await sharp(p).metadata()).autoOrient;

  const r = await FORMATS.yolo.read(join(tmp, 'in'), { sizeOf });
  expect(r.errors).toEqual([]);
  expect(r.dataset.images[0]).toMatchObject({ file: 'images/r.jpg', width: 32, height: 64 });
  // Writers convert with the model's width/height: pixels of the upright image.
  const w = await FORMATS.coco.write!(r.dataset, join(tmp, 'out/coco.json'));
  const doc = JSON.parse(await readFile(join(w.root, 'coco.json'), 'utf8'));
  expect(doc.images[0]).toMatchObject({ width: 32, height: 64 });
  expect(doc.annotations[0].bbox).toEqual([0, 0, 32, 32]);
});
