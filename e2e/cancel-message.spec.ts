/**
 * A cancelled training run in the studio (issue #16, defect 9): the message beside the Resume
 * button speaks of that button, not of the CLI's --resume flag, and says how many epochs were done;
 * the charts say the run was cancelled (with the epochs done) instead of waiting for an epoch
 * that will not come.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeTopBottomDataset } from '../src/test-support/fixtures';
import { startStudio, type Studio } from './harness';
import { createProjectFromStartScreen, gotoView, importFromField } from './helpers-ui';

const PER_CLASS = 20;
const POLL = { timeout: 30_000, interval: 100 };

describe('cancel message', () => {
  let studio: Studio;

  beforeAll(async () => {
    studio = await startStudio();
    await writeTopBottomDataset(join(studio.scratch, 'shapes'), PER_CLASS, 16);
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('a cancelled run names the Resume button and the epochs done; its charts say cancelled, not waiting', async () => {
    const { page } = studio;
    await createProjectFromStartScreen(page, 'cancel', []);
    await importFromField(page, join(studio.scratch, 'shapes'));
    await expect.poll(() => page.getByTestId('status-bar').innerText(), POLL).toMatch(new RegExp(`${2 * PER_CLASS}\\s+labeled`));

    await gotoView(page, 'train');
    await page.getByTestId('train-epochs').fill('60');
    await page.getByTestId('train-advanced').click();
    await page.getByTestId('train-batch-size').fill('4');
    await page.getByTestId('train-start').click();
    // Cancel once the epochs have begun (a cancel before that leaves no run to resume), as early
    // as that: the accuracy chart may not have its first epoch yet.
    const status = page.getByTestId('train-status');
    await expect.poll(() => status.getAttribute('data-phase'), POLL).toBe('epoch');
    await page.getByTestId('train-cancel').click();

    const message = page.getByTestId('train-message');
    await expect.poll(() => message.getAttribute('data-state'), POLL).toBe('cancelled');
    const text = await message.innerText();
    expect(text).not.toMatch(/--resume/);
    const done = /after (\d+) epochs? of 60/.exec(text);
    expect(done, text).not.toBeNull();
    expect(text).toContain('Resume');
    expect(await page.getByTestId('train-resume').count()).toBe(1);

    // The charts: a note with the same count, and no chart still waiting.
    const charts = page.locator('.curves');
    await expect.poll(() => page.getByTestId('curves-stopped').innerText(), POLL).toMatch(new RegExp(`^Cancelled after ${done![1]} epochs? of 60`));
    expect(await charts.innerText()).not.toMatch(/Waiting for/);
  });
});
