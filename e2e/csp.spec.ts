/**
 * The studio lives under a strict Content-Security-Policy: no 'unsafe-inline' for styles or
 * scripts. React and Konva style elements through the CSSOM, which the policy allows; a <style>
 * element or a style="" attribute would be refused, and Chromium reports each refusal. This walks
 * the views (start screen, gallery, labeling canvas with a box drawn, help overlay, train,
 * review, models) and expects no refusal at all.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startStudio, type Studio } from './harness';
import { writeTestImage } from './images';
import { gotoView, importFromField } from './helpers-ui';

const POLL = { timeout: 20_000, interval: 100 };

describe('content security policy', () => {
  let studio: Studio;
  const refused: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    for (let i = 0; i < 3; i++) await writeTestImage(join(studio.scratch, 'street', `street-${i}.jpg`), i + 5, 320, 240);
    const { page } = studio;
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    // Also each violation event, in case a refusal is not logged by Chromium itself.
    await page.addInitScript({
      content: "document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy refused ' + e.violatedDirective + ': ' + e.blockedURI + ' ' + e.sample));",
    });
    await page.reload(); // so the listeners above see the page load too
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('every view renders with no style or script refused by the policy', async () => {
    const { page } = studio;
    const csp = (await page.request.get(new URL('/', page.url()).toString())).headers()['content-security-policy'];
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline/);

    await page.getByTestId('new-project-dir').fill('street');
    await page.getByTestId('new-project-classes').fill('car, person');
    await page.locator('label:has(input[name="task"][value="detect"])').click();
    await page.getByTestId('create-project').click();
    await page.getByTestId('gallery').waitFor();
    await importFromField(page, join(studio.scratch, 'street'));
    await expect.poll(() => page.getByTestId('gallery-cell').count(), POLL).toBe(3);

    await page.getByTestId('gallery-cell').first().dblclick();
    await page.getByTestId('label-view').waitFor();
    const stage = page.getByTestId('image-stage');
    await stage.waitFor();
    await expect.poll(async () => Number(await stage.getAttribute('data-scale')) !== 1, POLL).toBe(true);
    const box = (await stage.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await page.mouse.down();
    for (let i = 1; i <= 6; i++) await page.mouse.move(box.x + box.width * (0.3 + i * 0.05), box.y + box.height * (0.3 + i * 0.05));
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('region-row').count(), POLL).toBe(1);
    await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('shortcut-row').count(), POLL).toBeGreaterThan(0);
    await page.keyboard.press('Escape');

    for (const view of ['train', 'review', 'models', 'gallery'] as const) await gotoView(page, view);
    expect(refused).toEqual([]);
  });
});
