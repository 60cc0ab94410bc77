/** UI steps shared by e2e specs: what a user does on the start screen, import field and gallery. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface CellInfo {
  id: number;
  className: string;
}

/** The gallery cells currently in the DOM, in grid order. */
export async function galleryCells(page: Page): Promise<CellInfo[]> {
  return page.getByTestId('gallery-cell').evaluateAll((els) =>
    els
      .map((el) => ({ id: Number(el.getAttribute('data-image-id')), className: el.getAttribute('data-class-name') ?? '', index: Number(el.getAttribute('data-index')) }))
      .sort((a, b) => a.index - b.index)
      .map(({ id, className }) => ({ id, className })),
  );
}

export async function createProjectFromStartScreen(page: Page, dir: string, classes: string[]): Promise<void> {
  await page.getByTestId('new-project-dir').fill(dir);
  await page.getByTestId('new-project-classes').fill(classes.join(', '));
  await page.getByTestId('create-project').click();
  await page.getByTestId('gallery').waitFor();
}

export async function importFromField(page: Page, path: string): Promise<void> {
  await page.getByTestId('import-path').fill(path);
  await page.getByTestId('import-start').click();
}

/**
 * A new project holding a labeled folder (classes from its subfolders) and an unlabeled pool:
 * the start of every teacher/review scenario. Waits until the status bar counts both.
 */
export async function createProjectWithPool(page: Page, dir: string, labeled: string, labeledCount: number, pool: string, poolCount: number): Promise<void> {
  const poll = { timeout: 30_000, interval: 100 };
  await createProjectFromStartScreen(page, dir, []);
  await importFromField(page, labeled);
  const status = page.getByTestId('status-bar');
  await expect.poll(() => status.innerText(), poll).toMatch(new RegExp(`${labeledCount}\\s+labeled`));
  await page.getByTestId('import-unlabeled').check();
  await importFromField(page, pool);
  await expect.poll(() => status.innerText(), poll).toMatch(new RegExp(`${poolCount}\\s+unlabeled`));
}

/** Presses a key in the labeling view and waits until it shows a different image. */
export async function pressAndAdvance(page: Page, key: string): Promise<void> {
  const view = page.getByTestId('label-view');
  const before = await view.getAttribute('data-image-id');
  await page.keyboard.press(key);
  const deadline = Date.now() + 10_000;
  while ((await view.getAttribute('data-image-id')) === before) {
    if (Date.now() > deadline) throw new Error(`pressing ${key} did not move to another image`);
    await page.waitForTimeout(50);
  }
}

export async function currentClass(page: Page): Promise<string> {
  return (await page.getByTestId('current-image-class').textContent()) ?? '';
}

/** Switches to a top-level view with its tab and waits for it. */
export async function gotoView(page: Page, view: 'gallery' | 'train' | 'review' | 'models'): Promise<void> {
  await page.getByTestId(`nav-${view}`).click();
  await page.getByTestId(view === 'gallery' ? 'gallery' : `${view}-view`).waitFor();
}

/** Points plotted on a training-curve chart for one series ('train' or 'val'). */
export async function curvePoints(page: Page, testId = 'train-curve', series = 'train'): Promise<number[]> {
  return page
    .locator(`[data-testid="${testId}"] circle[data-series="${series}"]`)
    .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-epoch'))));
}

/** A screenshot under $E2E_SCREENSHOTS (when set), for looking at the views by eye. */
export async function snap(page: Page, name: string): Promise<void> {
  const dir = process.env.E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir.replace(/\/$/, '')}/${name}.png` });
}

/** Presses a key in the Review view and waits until it shows another pseudo-label; returns the one it left. */
export async function reviewKey(page: Page, key: string): Promise<number> {
  const current = page.getByTestId('review-current');
  const before = await current.getAttribute('data-annotation-id');
  await page.keyboard.press(key);
  const deadline = Date.now() + 10_000;
  while ((await current.getAttribute('data-annotation-id').catch(() => null)) === before) {
    if (Date.now() > deadline) throw new Error(`pressing ${key} did not move to another pseudo-label`);
    await page.waitForTimeout(50);
  }
  return Number(before);
}

/** The Review view's totals of pseudo-labels by status. */
export async function reviewTotals(page: Page): Promise<Record<'pending' | 'accepted' | 'rejected' | 'corrected', number>> {
  const read = async (s: string) => Number(((await page.getByTestId(`review-total-${s}`).textContent()) ?? '').replace(/\D/g, ''));
  return { pending: await read('pending'), accepted: await read('accepted'), rejected: await read('rejected'), corrected: await read('corrected') };
}
