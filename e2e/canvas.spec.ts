/**
 * The annotation canvas in the real studio: in a detection project, draw a box by dragging and a
 * polygon by clicks, undo and redo, move the box with the select tool, reload the page and find
 * both where they were left, then export COCO and check the numbers in the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startStudio, type Studio } from './harness';
import { writeTestImage } from './images';
import { importFromField, snap } from './helpers-ui';

const POLL = { timeout: 20_000, interval: 100 };
const W = 400;
const H = 300;

interface Row {
  id: number;
  kind: string;
  classId: number;
  geometry: { x: number; y: number; w: number; h: number } & { points: [number, number][] };
}

async function rows(page: Page): Promise<Row[]> {
  return page.getByTestId('region-row').evaluateAll((els) =>
    els.map((e) => ({
      id: Number(e.getAttribute('data-region-id')),
      kind: e.getAttribute('data-kind') ?? '',
      classId: Number(e.getAttribute('data-class-id')),
      geometry: JSON.parse(e.getAttribute('data-geometry') ?? 'null'),
    })),
  );
}

/** Screen position of an image pixel, from the stage's viewport. */
async function screen(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const stage = page.getByTestId('image-stage');
  const box = (await stage.boundingBox())!;
  const [scale, vx, vy] = await Promise.all(['data-scale', 'data-x', 'data-y'].map(async (a) => Number(await stage.getAttribute(a))));
  return { x: box.x + vx! + x * scale!, y: box.y + vy! + y * scale! };
}

async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const a = await screen(page, ...from);
  const b = await screen(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / 8, a.y + ((b.y - a.y) * i) / 8);
  await page.mouse.up();
}

async function click(page: Page, x: number, y: number): Promise<void> {
  const p = await screen(page, x, y);
  await page.mouse.click(p.x, p.y);
}

async function saved(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('regions-saving').getAttribute('data-saving'), POLL).toBe('0');
}

/** Waits until the image is on the stage (its viewport is set by a fit). */
async function stageReady(page: Page): Promise<void> {
  await page.getByTestId('image-stage').waitFor();
  await expect.poll(async () => Number(await page.getByTestId('image-stage').getAttribute('data-scale')) !== 1, POLL).toBe(true);
}

describe('annotation canvas', () => {
  let studio: Studio;

  beforeAll(async () => {
    studio = await startStudio();
    for (let i = 0; i < 2; i++) await writeTestImage(join(studio.scratch, 'street', `street-${i}.jpg`), i + 3, W, H);
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('draw a box and a polygon, undo and redo, move the box, reload, export COCO', async () => {
    const { page } = studio;
    await page.getByTestId('new-project-dir').fill('street');
    await page.getByTestId('new-project-classes').fill('car, person');
    await page.locator('label:has(input[name="task"][value="detect"])').click();
    await page.getByTestId('create-project').click();
    await page.getByTestId('gallery').waitFor();
    await importFromField(page, join(studio.scratch, 'street'));
    await expect.poll(() => page.getByTestId('gallery-cell').count(), POLL).toBe(2);

    await page.getByTestId('gallery-cell').first().dblclick();
    await page.getByTestId('label-view').waitFor();
    await stageReady(page);
    // A detection project opens with the box tool.
    expect(await page.getByTestId('tool-box').getAttribute('aria-pressed')).toBe('true');

    // A box by dragging, then "2" gives the new (selected) box the second class.
    await drag(page, [50, 40], [150, 120]);
    await expect.poll(async () => (await rows(page)).length, POLL).toBe(1);
    await page.keyboard.press('2');
    await saved(page);
    const [box] = await rows(page);
    expect(box!.kind).toBe('box');
    expect(box!.geometry.x * W).toBeCloseTo(50, 0);
    expect(box!.geometry.y * H).toBeCloseTo(40, 0);
    expect(box!.geometry.w * W).toBeCloseTo(100, 0);
    expect(box!.geometry.h * H).toBeCloseTo(80, 0);
    const classes = await page.getByTestId('draw-class').locator('option').evaluateAll((os) => os.map((o) => Number((o as unknown as { value: string }).value)));
    expect(box!.classId).toBe(classes[1]);

    // A polygon by clicks, closed by clicking its first vertex.
    await page.keyboard.press('p');
    await click(page, 220, 50);
    await click(page, 340, 70);
    await click(page, 300, 200);
    await click(page, 220, 50);
    await expect.poll(async () => (await rows(page)).length, POLL).toBe(2);
    await saved(page);
    const polygon = (await rows(page)).find((r) => r.kind === 'polygon')!;
    expect(polygon.geometry.points.map(([x, y]) => [Math.round(x * W), Math.round(y * H)])).toEqual([
      [220, 50],
      [340, 70],
      [300, 200],
    ]);

    await snap(page, 'canvas');
    // Undo removes the polygon, redo brings it back.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await rows(page)).map((r) => r.kind), POLL).toEqual(['box']);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => (await rows(page)).map((r) => r.kind).sort(), POLL).toEqual(['box', 'polygon']);

    // Move the box by 30, 20 pixels with the select tool: one drag, one step.
    await page.keyboard.press('v');
    await drag(page, [100, 80], [130, 100]);
    await saved(page);
    await expect.poll(async () => Math.round((await rows(page)).find((r) => r.kind === 'box')!.geometry.x * W), POLL).toBe(80);
    const moved = (await rows(page)).find((r) => r.kind === 'box')!;
    expect(Math.round(moved.geometry.y * H)).toBe(60);
    expect(Math.round(moved.geometry.w * W)).toBe(100);

    // Reload: everything was stored as it happened.
    await page.reload();
    await page.getByTestId('gallery').waitFor();
    await page.getByTestId('gallery-cell').first().dblclick();
    await page.getByTestId('label-view').waitFor();
    await expect.poll(async () => (await rows(page)).length, POLL).toBe(2);
    const after = await rows(page);
    expect(after.find((r) => r.kind === 'box')!.geometry).toEqual(moved.geometry);
    expect(after.find((r) => r.kind === 'polygon')!.geometry).toEqual(polygon.geometry);
    // The class panel counts the regions of each class.
    await expect.poll(() => page.getByTestId('class-regions').allInnerTexts(), POLL).toEqual(['1', '1']);
    // The undo history survived too: undo takes back the move.
    await stageReady(page);
    await page.keyboard.press('Control+z');
    await expect.poll(async () => Math.round((await rows(page)).find((r) => r.kind === 'box')!.geometry.x * W), POLL).toBe(50);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => Math.round((await rows(page)).find((r) => r.kind === 'box')!.geometry.x * W), POLL).toBe(80);

    // A shortcut given another key in the help overlay works at once and is kept in the project.
    await page.keyboard.press('?');
    await page.locator('[data-testid="shortcut-row"][data-shortcut-id="canvas.box"] [data-testid="shortcut-change"]').click();
    await page.keyboard.press('w');
    await expect.poll(() => page.locator('[data-testid="shortcut-row"][data-shortcut-id="canvas.box"] kbd').allInnerTexts(), POLL).toEqual(['W']);
    await page.keyboard.press('Escape');
    await page.keyboard.press('w');
    await expect.poll(() => page.getByTestId('tool-box').getAttribute('aria-pressed'), POLL).toBe('true');
    await page.reload();
    await page.getByTestId('gallery').waitFor();
    await page.getByTestId('gallery-cell').first().dblclick();
    await page.getByTestId('label-view').waitFor();
    await page.keyboard.press('v');
    await expect.poll(() => page.getByTestId('tool-select').getAttribute('aria-pressed'), POLL).toBe('true');
    await page.keyboard.press('b'); // the old key does nothing now
    expect(await page.getByTestId('tool-select').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('w');
    await expect.poll(() => page.getByTestId('tool-box').getAttribute('aria-pressed'), POLL).toBe('true');

    // Export COCO from the dialog and read the file.
    await page.keyboard.press('Escape');
    await page.getByTestId('gallery').waitFor();
    await page.getByTestId('export-dataset').click();
    await page.getByTestId('dataset-format').selectOption('coco');
    await page.getByTestId('dataset-out').fill('exports/street-coco');
    await page.getByTestId('dataset-export-start').click();
    await page.getByTestId('dataset-export-result').waitFor({ timeout: 30_000 });
    const coco = JSON.parse(readFileSync(join(studio.workspace, 'exports/street-coco/annotations.json'), 'utf8')) as {
      images: { id: number; width: number; height: number }[];
      annotations: { bbox: number[]; segmentation: number[][]; category_id: number; area: number }[];
      categories: { id: number; name: string }[];
    };
    expect(coco.images).toHaveLength(2);
    expect(coco.images[0]).toMatchObject({ width: W, height: H });
    expect(coco.annotations).toHaveLength(2);
    const person = coco.categories.find((c) => c.name === 'person')!;
    const cocoBox = coco.annotations.find((a) => !a.segmentation?.length)!;
    expect(cocoBox.category_id).toBe(person.id);
    expect(cocoBox.bbox.map((v) => Math.round(v))).toEqual([80, 60, 100, 80]);
    const cocoPolygon = coco.annotations.find((a) => a.segmentation?.length)!;
    expect(cocoPolygon.segmentation[0]!.map((v) => Math.round(v))).toEqual([220, 50, 340, 70, 300, 200]);
  });
});
