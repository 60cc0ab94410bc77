/**
 * Training from the studio: a refused option names its field, a long run shows live curves and
 * can be cancelled and resumed, a quick run finishes, and its model shows in the Models view
 * with a confusion matrix that accounts for every test image.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeTopBottomDataset } from '../src/test-support/fixtures';
import { startStudio, type Studio } from './harness';
import { createProjectFromStartScreen, curvePoints, gotoView, importFromField, snap } from './helpers-ui';

const PER_CLASS = 20;
// writeTopBottomDataset puts every fifth image of each class in test/.
const TEST_IMAGES = 2 * Math.ceil(PER_CLASS / 5);
const POLL = { timeout: 30_000, interval: 100 };

describe('training', () => {
  let studio: Studio;

  beforeAll(async () => {
    studio = await startStudio();
    await writeTopBottomDataset(join(studio.scratch, 'shapes'), PER_CLASS, 16);
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('train with live curves, cancel, resume, finish a quick run and inspect the model', async () => {
    const { page } = studio;
    await createProjectFromStartScreen(page, 'shapes', []);
    await importFromField(page, join(studio.scratch, 'shapes'));
    await expect.poll(() => page.getByTestId('status-bar').innerText(), POLL).toMatch(new RegExp(`${2 * PER_CLASS}\\s+labeled`));

    await gotoView(page, 'train');
    const epochs = page.getByTestId('train-epochs');

    // The server refuses 0 epochs; the toast names the field.
    await epochs.fill('0');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('toast').allInnerTexts(), POLL).toEqual(expect.arrayContaining([expect.stringContaining('epochs')]));
    expect(await page.getByTestId('train-status').count()).toBe(0);

    // A long run: small batches, many epochs.
    await epochs.fill('60');
    await page.getByTestId('train-advanced').click();
    // What the model will see: eight augmented versions of a project image, drawn by the core.
    await page.getByTestId('augment-preview-show').click();
    await page.getByTestId('augment-preview-image').waitFor();
    expect(await page.getByTestId('augment-preview-image').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.getByTestId('train-batch-size').fill('4');
    await page.getByTestId('train-start').click();
    const status = page.getByTestId('train-status');
    await status.waitFor();
    await expect.poll(async () => (await curvePoints(page)).length, POLL).toBeGreaterThanOrEqual(1);
    expect(await status.innerText()).toMatch(/Training \S+ on /);
    expect(await page.getByTestId('train-epoch').innerText()).toMatch(/^\d+ \/ 60$/);
    await snap(page, 'train-running');

    await page.getByTestId('train-cancel').click();
    const message = page.getByTestId('train-message');
    await expect.poll(() => message.getAttribute('data-state'), POLL).toBe('cancelled');
    // The studio's words (the Resume button), not the CLI's --resume flag.
    expect(await message.innerText()).toMatch(/Cancelled after \d+ epochs? of 60\. Resume continues/);
    const plotted = (await curvePoints(page)).length;
    expect(plotted).toBeGreaterThanOrEqual(1);

    // Resume continues the same run: the curve keeps its points and grows.
    await page.getByTestId('train-resume').click();
    await status.waitFor();
    await expect.poll(async () => (await curvePoints(page)).length, POLL).toBeGreaterThan(plotted);
    await page.getByTestId('train-cancel').click();
    await expect.poll(() => message.getAttribute('data-state'), POLL).toBe('cancelled');
    await snap(page, 'train-cancelled');

    // A quick run to the end.
    await page.getByTestId('train-preset-quick').click();
    expect(await epochs.inputValue()).toBe('5');
    await epochs.fill('3');
    await page.getByTestId('train-start').click();
    const done = page.getByTestId('train-done');
    await done.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('train-done-accuracy').innerText()).toMatch(/^\d+(\.\d)?%$/);
    // Every epoch of the finished run is on the curve (throttled progress or not).
    await expect.poll(() => curvePoints(page), POLL).toEqual([1, 2, 3]);
    const modelId = await done.getAttribute('data-model-id');
    await snap(page, 'train-done');

    await page.getByTestId('train-open-model').click();
    await page.getByTestId('models-view').waitFor();
    const rows = page.getByTestId('model-row');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    expect(await rows.first().getAttribute('data-model-id')).toBe(modelId);
    expect(await rows.first().getByTestId('model-accuracy').innerText()).toMatch(/\d+(\.\d)?%/);

    await rows.first().click();
    const detail = page.getByTestId('model-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('data-model-id')).toBe(modelId);
    const counts = await page
      .getByTestId('confusion-matrix')
      .locator('td[data-count]')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-count'))));
    expect(counts).toHaveLength(4);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(TEST_IMAGES);
    expect(await curvePoints(page, 'model-curve')).toEqual([1, 2, 3]);
    await snap(page, 'models');
  });
});
