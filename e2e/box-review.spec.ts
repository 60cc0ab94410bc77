/**
 * Reviewing a detector's boxes in the studio: an ONNX detector (YOLOv5 output layout) is imported
 * as a teacher and pseudo-labels an unlabeled pool; the Boxes tab lists the images, the labeling
 * view shows the boxes dashed with their confidence; Enter accepts every box of an image and moves
 * on, Delete rejects the selected box, dragging a box corrects it; then a box student (a detector
 * trained in the project) learns from the reviewed boxes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tinyMeanAffine } from '../src/test-support/onnx-models';
import { startStudio, type Studio } from './harness';
import { gotoView, importFromField, snap } from './helpers-ui';

const POLL = { timeout: 30_000, interval: 100 };
const SIZE = 64;
const GRAYS = [128, 153, 230];

/**
 * A tiny YOLOv5-layout detector for 32x32 input whose two boxes depend on the image's mean m:
 * a car (cx 8 + 8m, cy 8, 8x8) scoring 0.9 m and a person (cx 24, cy 20, 6x10) scoring 0.8 m.
 */
function detector(): Uint8Array {
  const rows: [number, number][][] = [
    [[8, 8], [8, 0], [8, 0], [8, 0], [0, 1], [0.9, 0], [0.1, 0]],
    [[24, 0], [20, 0], [6, 0], [10, 0], [0, 1], [0, 0], [0.8, 0]],
  ];
  const flat = rows.flat();
  return tinyMeanAffine({ channels: 3, size: 32, dims: [2, 7], bias: flat.map((r) => r[0]), scale: flat.map((r) => r[1]) });
}

async function regionRows(page: Page) {
  return page.getByTestId('region-row').evaluateAll((els) =>
    els.map((e) => ({ id: Number(e.getAttribute('data-region-id')), text: e.textContent ?? '', geometry: JSON.parse(e.getAttribute('data-geometry') ?? 'null') as { x: number; y: number } })),
  );
}

async function boxCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const res = await fetch('/api/review.counts', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const reply = (await res.json()) as { value: { byClassAndRound: { kind?: string; status: string; count: number }[] } };
    const out: Record<string, number> = { pending: 0, accepted: 0, rejected: 0, corrected: 0 };
    for (const r of reply.value.byClassAndRound) if (r.kind === 'box') out[r.status]! += r.count;
    return out;
  });
}

describe('box review', () => {
  let studio: Studio;
  let teacherFile: string;

  beforeAll(async () => {
    studio = await startStudio();
    const pool = join(studio.scratch, 'pool');
    mkdirSync(pool, { recursive: true });
    for (const [i, g] of GRAYS.entries()) {
      await sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: { r: g, g, b: g } } }).png().toFile(join(pool, `street-${i}.png`));
    }
    const dir = join(studio.workspace, 'teachers');
    mkdirSync(dir, { recursive: true });
    teacherFile = join(dir, 'detector.onnx');
    writeFileSync(teacherFile, detector());
    // Class names from a sidecar, as a YOLO export's data.yaml would give them.
    writeFileSync(join(dir, 'detector.json'), JSON.stringify({ classes: ['car', 'person'] }));
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('a detector pre-labels boxes; accept all with Enter, reject one with Delete, correct one by dragging; a box student trains on them', async () => {
    const { page } = studio;
    await page.getByTestId('new-project-dir').fill('boxes');
    await page.getByTestId('new-project-classes').fill('car, person');
    await page.locator('label:has(input[name="task"][value="detect"])').click();
    await page.getByTestId('create-project').click();
    await page.getByTestId('gallery').waitFor();
    await page.getByTestId('import-unlabeled').check();
    await importFromField(page, join(studio.scratch, 'pool'));
    await expect.poll(() => page.getByTestId('gallery-cell').count(), POLL).toBe(GRAYS.length);

    await gotoView(page, 'review');
    await page.getByTestId('teacher-import-open').click();
    await page.getByTestId('teacher-import-path').fill(teacherFile);
    await page.getByTestId('teacher-import-start').click();
    await page.getByTestId('teacher-import-result').waitFor({ timeout: 30_000 });
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('pseudo-label-start').click();

    // Every image has a car and a person box, pending.
    await page.getByTestId('review-sub-boxes').click();
    await expect.poll(() => page.getByTestId('box-review-item').count(), POLL).toBe(GRAYS.length);
    await expect.poll(() => boxCounts(page), POLL).toEqual({ pending: 6, accepted: 0, rejected: 0, corrected: 0 });

    await page.getByTestId('box-review-start').click();
    await page.getByTestId('label-view').waitFor();
    await expect.poll(async () => (await regionRows(page)).length, POLL).toBe(2);
    const first = await page.getByTestId('label-view').getAttribute('data-image-id');
    expect((await regionRows(page)).every((r) => /pseudo \d+% · pending/.test(r.text))).toBe(true);

    await snap(page, 'box-review');
    // Enter: both boxes of this image accepted, and the next image shows.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('label-view').getAttribute('data-image-id'), POLL).not.toBe(first);
    await expect.poll(() => boxCounts(page), POLL).toMatchObject({ accepted: 2, pending: 4 });

    // Select the person box in the list and press Delete: it is rejected and leaves the canvas.
    await expect.poll(async () => (await regionRows(page)).length, POLL).toBe(2);
    const person = (await regionRows(page)).find((r) => r.text.includes('person'))!;
    await page.locator(`[data-testid="region-row"][data-region-id="${person.id}"] .region-index`).click();
    await page.keyboard.press('Delete');
    await expect.poll(async () => (await regionRows(page)).length, POLL).toBe(1);

    // Drag the car box right by 8 pixels of the 64-pixel image: corrected.
    const car = (await regionRows(page))[0]!;
    const stage = page.getByTestId('image-stage');
    await expect.poll(async () => Number(await stage.getAttribute('data-scale')) !== 1, POLL).toBe(true);
    const box = (await stage.boundingBox())!;
    const [scale, vx, vy] = await Promise.all(['data-scale', 'data-x', 'data-y'].map(async (a) => Number(await stage.getAttribute(a))));
    const at = (x: number, y: number) => ({ x: box.x + vx! + x * scale!, y: box.y + vy! + y * scale! });
    const from = at((car.geometry.x + 0.125) * SIZE, (car.geometry.y + 0.125) * SIZE);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(from.x + i * scale!, from.y);
    await page.mouse.up();
    await expect.poll(async () => (await regionRows(page))[0]!.text, POLL).toMatch(/corrected/);
    expect((await regionRows(page))[0]!.geometry.x * SIZE).toBeCloseTo(car.geometry.x * SIZE + 8, 1);
    await expect.poll(() => boxCounts(page), POLL).toEqual({ pending: 2, accepted: 2, rejected: 1, corrected: 1 });

    // A box student from the Train view, on the reviewed boxes: it shows in the Models view with its mAP.
    await page.keyboard.press('Escape');
    await gotoView(page, 'train');
    await page.getByTestId('detector-epochs').fill('2');
    await snap(page, 'detector-train');
    await page.getByTestId('detector-start').click();
    // The Train view follows the run: per-epoch curves, then its test mAP.
    await page.locator('[data-testid="detector-run"][data-state="done"]').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('detector-run-map').innerText()).toMatch(/mAP@0\.5 \d+(\.\d)?%/);
    await expect.poll(() => page.getByTestId('detector-map-curve').locator('[data-epoch]').count(), POLL).toBe(2);
    await snap(page, 'detector-run');
    await gotoView(page, 'models');
    const detector = page.locator('[data-testid="model-accuracy"][title="mAP@0.5 (a detector)"]');
    await expect.poll(() => detector.count(), { timeout: 90_000, interval: 250 }).toBe(1);
    expect(await detector.innerText()).toMatch(/\d+(\.\d)?%/);
    await detector.click();
    await snap(page, 'detector-model');
  });
});
