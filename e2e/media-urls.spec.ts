/**
 * Image URLs belong to one project: image ids restart at 1 in every project, so a URL made of the id
 * alone let the browser's cache show project A's thumbnails in project B (issue #16, defect 1).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startStudio, type Studio } from './harness';
import { writeTestImage } from './images';
import { createProjectFromStartScreen, galleryCells, importFromField } from './helpers-ui';

const IMAGES = 4;
const POLL = { timeout: 20_000, interval: 100 };

/** The background color writeTestImage paints for a seed (the thumbnail's corner shows it). */
function colorOf(seed: number): [number, number, number] {
  return [(seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256];
}

// The e2e specs compile without the DOM library: the few browser types used in page functions.
interface Img {
  naturalWidth: number;
  naturalHeight: number;
  complete: boolean;
  alt: string;
}
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { drawImage(img: Img, x: number, y: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
type BrowserDocument = { createElement(tag: 'canvas'): Canvas };

/** The top-left pixel of every loaded gallery thumbnail, with the seed in its file name. */
async function thumbCorners(page: Page): Promise<{ seed: number; rgb: number[] }[]> {
  return page.locator('[data-testid="gallery-cell"] img').evaluateAll((imgs) =>
    (imgs as unknown as Img[]).map((img) => {
      const canvas = (globalThis as unknown as { document: BrowserDocument }).document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const seed = Number(/-(\d+)\.jpg$/.exec(img.alt)?.[1]);
      return { seed, rgb: img.complete && img.naturalWidth > 0 ? Array.from(ctx.getImageData(2, 2, 1, 1).data.slice(0, 3)) : [] };
    }),
  );
}

async function loadedThumbs(page: Page): Promise<number> {
  return page.locator('[data-testid="gallery-cell"] img').evaluateAll((imgs) => (imgs as unknown as Img[]).filter((i) => i.complete && i.naturalWidth > 0).length);
}

describe('media URLs', () => {
  let studio: Studio;

  beforeAll(async () => {
    studio = await startStudio();
    for (let i = 1; i <= IMAGES; i++) await writeTestImage(join(studio.scratch, 'a', `a-${i}.jpg`), i);
    for (let i = 1; i <= IMAGES; i++) await writeTestImage(join(studio.scratch, 'b', `b-${i + 100}.jpg`), i + 100);
  });

  afterAll(async () => {
    await studio?.close();
  });

  test("a second project's gallery shows its own thumbnails, not the first project's with the same image ids", async () => {
    const { page } = studio;
    await createProjectFromStartScreen(page, 'project-a', ['x']);
    await importFromField(page, join(studio.scratch, 'a'));
    await expect.poll(async () => (await galleryCells(page)).length, POLL).toBe(IMAGES);
    await expect.poll(() => loadedThumbs(page), POLL).toBe(IMAGES);
    const idsA = (await galleryCells(page)).map((c) => c.id).sort();

    await page.getByTitle('Close this project').click();
    await page.getByTestId('new-project-dir').waitFor();
    await createProjectFromStartScreen(page, 'project-b', ['x']);
    await importFromField(page, join(studio.scratch, 'b'));
    await expect.poll(async () => (await galleryCells(page)).length, POLL).toBe(IMAGES);
    // The premise: B's images got the same ids as A's.
    expect((await galleryCells(page)).map((c) => c.id).sort()).toEqual(idsA);
    await expect.poll(() => loadedThumbs(page), POLL).toBe(IMAGES);

    const corners = await thumbCorners(page);
    expect(corners.map((c) => c.seed).sort()).toEqual([101, 102, 103, 104]);
    for (const { seed, rgb } of corners) {
      const want = colorOf(seed);
      const off = Math.max(...want.map((v, k) => Math.abs(v - rgb[k]!)));
      expect(off, `thumbnail of b-${seed}.jpg: got rgb ${rgb.join(',')}, want ${want.join(',')}`).toBeLessThan(16);
    }
  });
});
