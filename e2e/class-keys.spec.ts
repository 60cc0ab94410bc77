/**
 * Every class can be chosen from the keyboard (issue #16, defect 2): 1-9 and 0 for the first ten,
 * "/" opens a type-to-filter picker for any class; Review's Relabel offers every class.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeTopBottomDataset } from '../src/test-support/fixtures';
import { startStudio, type Studio } from './harness';
import { writeTestImage } from './images';
import { createProjectFromStartScreen, createProjectWithPool, galleryCells, gotoView, importFromField, pressAndAdvance, reviewKey, reviewTotals, snap } from './helpers-ui';

const NAMES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const POLL = { timeout: 30_000, interval: 100 };

describe('class keys past the ninth', () => {
  let studio: Studio;

  beforeAll(async () => {
    studio = await startStudio();
    for (let i = 0; i < 4; i++) await writeTestImage(join(studio.scratch, 'photos', `p-${i}.jpg`), i + 1);
    await writeTopBottomDataset(join(studio.scratch, 'labeled'), 10, 16);
    await writeTopBottomDataset(join(studio.scratch, 'pool'), 4, 16, 777);
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('0 assigns the 10th class in the gallery and the label view, and the picker reaches the 12th', async () => {
    const { page } = studio;
    await createProjectFromStartScreen(page, 'many', NAMES);
    await importFromField(page, join(studio.scratch, 'photos'));
    await expect.poll(async () => (await galleryCells(page)).length, POLL).toBe(4);
    const ids = (await galleryCells(page)).map((c) => c.id);

    // Gallery: select the first image, 0 = the 10th class.
    await page.getByTestId('gallery-cell').first().click();
    await page.keyboard.press('0');
    await expect.poll(async () => (await galleryCells(page)).find((c) => c.id === ids[0])?.className, POLL).toBe('ten');

    // Label view: 0 labels and advances; "/" opens the picker, typing filters it, Enter picks.
    await page.getByTestId('gallery-cell').nth(1).dblclick();
    await page.getByTestId('label-view').waitFor();
    await pressAndAdvance(page, '0');
    await page.keyboard.press('/');
    const picker = page.getByTestId('class-picker-input');
    await picker.waitFor();
    await picker.fill('twel');
    await snap(page, 'class-picker');
    expect(await page.getByTestId('class-picker-option').allInnerTexts()).toEqual([expect.stringContaining('twelve')]);
    await pressAndAdvance(page, 'Enter');

    await page.keyboard.press('Escape');
    await page.getByTestId('gallery').waitFor();
    await expect.poll(async () => new Map((await galleryCells(page)).map((c) => [c.id, c.className])).get(ids[2]!), POLL).toBe('twelve');
    const byId = new Map((await galleryCells(page)).map((c) => [c.id, c.className]));
    expect(ids.map((id) => byId.get(id))).toEqual(['ten', 'ten', 'twelve', '']);
  });

  test('Review relabels a pseudo-label to the 10th class with 0, and Relabel lists every class', async () => {
    const { page } = studio;
    await page.getByTitle('Close this project').click();
    await page.getByTestId('new-project-dir').waitFor();
    await createProjectWithPool(page, 'review-many', join(studio.scratch, 'labeled'), 20, join(studio.scratch, 'pool'), 8);

    await gotoView(page, 'train');
    await page.getByTestId('train-preset-quick').click();
    await page.getByTestId('train-epochs').fill('1');
    await page.getByTestId('train-start').click();
    await page.getByTestId('train-done').waitFor({ timeout: 90_000 });

    // 8 more classes after "top" and "bottom": 10 in all, and then 2 more.
    await gotoView(page, 'gallery');
    for (const name of NAMES.slice(2)) {
      await page.getByTestId('class-add-name').fill(name);
      await page.getByTestId('class-add').click();
      await page.locator(`[data-testid="class-row"][data-class-name="${name}"]`).waitFor();
    }

    await gotoView(page, 'review');
    await page.getByTestId('pseudo-label-start').click();
    await page.getByTestId('review-current').waitFor({ timeout: 30_000 });
    await expect.poll(() => reviewTotals(page), POLL).toMatchObject({ pending: 8 });
    expect(await page.getByTestId('relabel-chip').allInnerTexts()).toEqual(['bottom', 'top', ...NAMES.slice(2)].map((n) => expect.stringContaining(n)));

    await reviewKey(page, '0');
    await expect.poll(() => reviewTotals(page), POLL).toMatchObject({ pending: 7, corrected: 1 });

    await gotoView(page, 'gallery');
    await page.getByTestId('filter-class').selectOption({ label: 'ten' });
    await expect.poll(async () => (await galleryCells(page)).length, POLL).toBe(1);
  });
});
