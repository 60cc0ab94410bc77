/**
 * What the studio says about an imported ONNX teacher (issue #16, defect 11): the import dialog
 * names the sidecar file it really reads (`<model>.json`, e.g. teacher.json for teacher.onnx), the
 * model's page says it was imported (it was not trained on onnxruntime), and its ONNX export
 * defaults to exports/teacher.onnx, not exports/teacher.onnx.onnx.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tinyNchwClassifier } from '../src/test-support/onnx-models';
import { startStudio, type Studio } from './harness';
import { createProjectFromStartScreen, gotoView } from './helpers-ui';

const POLL = { timeout: 30_000, interval: 100 };

describe('teacher export and description text', () => {
  let studio: Studio;
  let teacherFile: string;

  beforeAll(async () => {
    studio = await startStudio();
    const dir = join(studio.workspace, 'teachers');
    mkdirSync(dir, { recursive: true });
    teacherFile = join(dir, 'teacher.onnx');
    // A 2-class RGB 8x8 classifier (mean color -> Gemm), class names in its metadata; its preprocessing comes from its input shape.
    writeFileSync(teacherFile, tinyNchwClassifier({ channels: 3, size: 8, weights: [[1, 0], [0, 1], [0, 0]], metadata: { classes: JSON.stringify(['a', 'b']) } }));
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('the dialog names <model>.json, the model page says imported, the export path has one .onnx', async () => {
    const { page } = studio;
    await createProjectFromStartScreen(page, 'teacher-text', ['a', 'b']);
    await gotoView(page, 'review');
    await page.getByTestId('teacher-import-open').click();
    const dialog = page.getByRole('dialog');
    // Before a file is given the hint names the pattern, then the very file it will read.
    expect(await dialog.innerText()).toContain('<model>.json');
    expect(await dialog.innerText()).not.toContain('model.json beside it');
    await page.getByTestId('teacher-import-path').fill(teacherFile);
    await expect.poll(() => dialog.innerText(), POLL).toContain('teacher.json');
    await page.getByTestId('teacher-import-start').click();
    const result = page.getByTestId('teacher-import-result');
    await result.waitFor({ timeout: 30_000 });
    const id = await result.getAttribute('data-model-id');
    await dialog.getByRole('button', { name: 'Done' }).click();

    await gotoView(page, 'models');
    await page.locator(`[data-testid="model-row"][data-model-id="${id}"]`).click();
    const detail = page.getByTestId('model-detail');
    await detail.waitFor({ timeout: 30_000 });
    const text = await detail.innerText();
    expect(text).not.toContain('Trained on');
    expect(text).toContain('Imported ONNX model, runs on onnxruntime');
    const out = await page.getByTestId('export-out').inputValue();
    expect(out).toMatch(/teacher\.onnx$/);
    expect(out).not.toMatch(/\.onnx\.onnx$/);
  });
});
