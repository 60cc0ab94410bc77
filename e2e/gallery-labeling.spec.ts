/**
 * The core labeling loop in the real studio: create a project on the start screen, import a
 * folder through the import field, label with number keys, reload, filter by class.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startStudio, type Studio } from './harness';
import { writeTestImage } from './images';
import { createProjectFromStartScreen, currentClass, galleryCells, importFromField, pressAndAdvance } from './helpers-ui';

const IMAGES = 8;
const POLL = { timeout: 20_000, interval: 100 };

describe('gallery and labeling', () => {
  let studio: Studio;
  let ids: number[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    const folder = join(studio.scratch, 'photos');
    for (let i = 0; i < IMAGES; i++) await writeTestImage(join(folder, `photo-${i}.jpg`), i + 1);
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('labels typed with number keys are still there after a reload, and the class filter shows exactly them', async () => {
    const { page } = studio;
    await createProjectFromStartScreen(page, 'pets', ['cat', 'dog', 'bird']);
    await importFromField(page, join(studio.scratch, 'photos'));

    await expect.poll(async () => (await galleryCells(page)).length, POLL).toBe(IMAGES);
    await expect.poll(() => page.getByTestId('toast').allInnerTexts(), POLL).toEqual(
      expect.arrayContaining([expect.stringContaining(`Imported ${IMAGES} images`)]),
    );
    ids = (await galleryCells(page)).map((c) => c.id);
    expect((await galleryCells(page)).every((c) => c.className === '')).toBe(true);

    // Open the first image; 1 = cat, 2 = dog (the order the classes were typed in).
    await page.getByTestId('gallery-cell').first().dblclick();
    await page.getByTestId('label-view').waitFor();
    expect(await currentClass(page)).toBe('unlabeled');
    expect(await page.getByTestId('class-chip').allInnerTexts()).toEqual([
      expect.stringContaining('cat'),
      expect.stringContaining('dog'),
      expect.stringContaining('bird'),
    ]);
    await pressAndAdvance(page, '1');
    await pressAndAdvance(page, '1');
    await pressAndAdvance(page, '2');
    expect(await page.getByTestId('label-view').getAttribute('data-image-id')).toBe(String(ids[3]));
    expect(await currentClass(page)).toBe('unlabeled');

    // K goes back to the image just labeled.
    await pressAndAdvance(page, 'k');
    expect(await currentClass(page)).toBe('dog');

    await page.keyboard.press('Escape');
    await page.getByTestId('gallery').waitFor();
    await expect.poll(() => page.getByTestId('status-bar').innerText(), POLL).toMatch(/3\s+labeled/);

    await page.reload();
    await expect.poll(async () => (await galleryCells(page)).length, POLL).toBe(IMAGES);
    const byId = new Map((await galleryCells(page)).map((c) => [c.id, c.className]));
    expect(ids.map((id) => byId.get(id))).toEqual(['cat', 'cat', 'dog', '', '', '', '', '']);

    await page.getByTestId('filter-class').selectOption({ label: 'cat' });
    await expect.poll(async () => (await galleryCells(page)).map((c) => c.id), POLL).toEqual([ids[0], ids[1]]);
    await page.getByTestId('filter-class').selectOption({ label: 'dog' });
    await expect.poll(async () => (await galleryCells(page)).map((c) => c.id), POLL).toEqual([ids[2]]);
    await page.getByTestId('filter-class').selectOption({ label: 'All classes' });
    await page.getByTestId('filter-labeled').selectOption('labeled');
    await expect.poll(async () => (await galleryCells(page)).map((c) => c.id), POLL).toEqual(ids.slice(0, 3));
  });

  test('a shift-click range gets one class from the bulk "Assign class"', async () => {
    const { page } = studio;
    await page.getByTestId('filter-labeled').selectOption('unlabeled');
    await expect.poll(async () => (await galleryCells(page)).map((c) => c.id), POLL).toEqual(ids.slice(3));

    await page.getByTestId('gallery-cell').nth(0).click();
    await page.getByTestId('gallery-cell').nth(2).click({ modifiers: ['Shift'] });
    await expect.poll(() => page.locator('[data-testid="gallery-cell"][aria-selected="true"]').count(), POLL).toBe(3);
    await page.getByTestId('bulk-assign').selectOption({ label: 'bird' });

    // They leave the "unlabeled" view and show up under "bird".
    await expect.poll(async () => (await galleryCells(page)).map((c) => c.id), POLL).toEqual(ids.slice(6));
    await page.getByTestId('filter-labeled').selectOption('');
    await page.getByTestId('filter-class').selectOption({ label: 'bird' });
    await expect.poll(async () => (await galleryCells(page)).map((c) => c.id), POLL).toEqual(ids.slice(3, 6));
    await expect.poll(() => page.getByTestId('status-bar').innerText(), POLL).toMatch(/6\s+labeled/);
  });
});
