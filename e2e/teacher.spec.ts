/**
 * The whole loop with a teacher from elsewhere: a new project, labeled images and an unlabeled
 * pool, an ONNX classifier imported from the Review view (a wrong model and a wrong override are
 * refused with the reason in the dialog; the right one shows its input, classes and which project
 * class each labels), its pseudo-labels on the pool, three decided with keys, a student trained
 * from the Rounds view, and round 1 there naming the imported teacher.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OnnxGraphBuilder } from '../src/export/graph-builder';
import { onnx } from '../src/export/onnx-proto';
import { tinyNchwClassifier } from '../src/test-support/onnx-models';
import { writeTopBottomDataset } from '../src/test-support/fixtures';
import { startStudio, type Studio } from './harness';
import { createProjectWithPool, gotoView, reviewKey, reviewTotals, snap } from './helpers-ui';

const LABELED_PER_CLASS = 6;
const POOL_PER_CLASS = 5;
const POOL = 2 * POOL_PER_CLASS;
const POLL = { timeout: 30_000, interval: 100 };
/** The teacher's classes, as a model from elsewhere names them: two match the project's folders by name (not by case), one matches nothing. */
const TEACHER_CLASSES = ['Top', 'Bottom', 'background'];

/**
 * A gray 4x4 NCHW classifier, written as a third-party tool would (class names in its ONNX
 * metadata, preprocessing left to the input shape): Flatten -> Gemm. "Top" scores the top half's
 * brightness minus the bottom half's, "Bottom" the opposite, "background" always 0, so it is right
 * on the top/bottom dataset whose class is visible in its pixels.
 */
function topBottomTeacher(): Uint8Array {
  const size = 4;
  const g = new OnnxGraphBuilder();
  g.reserve('image');
  g.reserve('logits');
  g.declare('input', 'image', 'float32', ['batch', 1, size, size]);
  const flat = g.op('Flatten', ['image'], 'flat', { axis: 1 });
  const weights: number[] = [];
  for (let i = 0; i < size * size; i++) {
    const top = Math.floor(i / size) < size / 2 ? 1 : -1;
    weights.push(top, -top, 0);
  }
  const w = g.floats('w', [size * size, 3], Float32Array.from(weights));
  const b = g.floats('b', [3], new Float32Array(3));
  const scores = g.op('Gemm', [flat, w, b], 'scores');
  g.rename(scores, 'logits');
  g.declare('output', 'logits', 'float32', ['batch', 3]);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'some-other-tool',
    graph: g.toGraph('top-bottom'),
    metadataProps: [{ key: 'classes', value: JSON.stringify(TEACHER_CLASSES) }],
  });
  return onnx.ModelProto.encode(model).finish();
}

describe('teacher', () => {
  let studio: Studio;
  let teacherFile: string;
  let wrongFile: string;

  beforeAll(async () => {
    studio = await startStudio();
    await writeTopBottomDataset(join(studio.scratch, 'labeled'), LABELED_PER_CLASS, 16);
    await writeTopBottomDataset(join(studio.scratch, 'pool'), POOL_PER_CLASS, 16, 777);
    // The web studio reads model files inside its workspace only (the dataset folders may be anywhere).
    const dir = join(studio.workspace, 'teachers');
    mkdirSync(dir, { recursive: true });
    teacherFile = join(dir, 'top-bottom.onnx');
    writeFileSync(teacherFile, topBottomTeacher());
    // A wrong model: its output is a feature map, not a class vector per image.
    wrongFile = join(dir, 'features.onnx');
    writeFileSync(wrongFile, tinyNchwClassifier({ channels: 3, size: 8, weights: [[1]], outputRank4: true }));
  });

  afterAll(async () => {
    await studio?.close();
  });

  test('import an ONNX teacher, pseudo-label, review with keys, train a student: round 1 names the teacher', async () => {
    const { page } = studio;
    await createProjectWithPool(page, 'teacher', join(studio.scratch, 'labeled'), 2 * LABELED_PER_CLASS, join(studio.scratch, 'pool'), POOL);

    // No model yet: the Review view offers to train one or to import one.
    await gotoView(page, 'review');
    await expect.poll(() => page.getByTestId('review-teacher').count(), POLL).toBe(0);
    await page.getByTestId('teacher-import-open').click();
    const path = page.getByTestId('teacher-import-path');
    const startImport = page.getByTestId('teacher-import-start');
    const error = page.getByTestId('teacher-import-error');
    const result = page.getByTestId('teacher-import-result');

    // A wrong model is refused, with the reason in the dialog.
    await path.fill(wrongFile);
    await startImport.click();
    await expect.poll(() => error.innerText(), POLL).toMatch(/not a class vector/);
    expect(await result.count()).toBe(0);

    // An override from "Advanced preprocessing" reaches the core: 3 channels do not fit a gray model.
    await path.fill(teacherFile);
    await page.getByTestId('teacher-import-advanced').locator('summary').click();
    await page.getByTestId('teacher-spec-channels').selectOption('3');
    await startImport.click();
    await expect.poll(() => error.innerText(), POLL).toMatch(/channels is 1 but 3 was given/);
    await page.getByTestId('teacher-spec-channels').selectOption('');
    await startImport.click();
    await result.waitFor({ timeout: 30_000 });
    expect(await error.count()).toBe(0);
    const teacherId = await result.getAttribute('data-model-id');
    expect(teacherId).toBeTruthy();
    expect(await page.getByTestId('teacher-import-name').innerText()).toBe('top-bottom.onnx');
    // Read from the input shape: 4x4, gray, channels first.
    expect(await page.getByTestId('teacher-import-input').innerText()).toMatch(/4×4 · 1 channel \(gray\) · NCHW · scale 1\/255/);
    expect(await page.getByTestId('teacher-import-classes').innerText()).toContain('3: Top, Bottom, background');
    const map = await page
      .getByTestId('teacher-import-map')
      .locator('li[data-teacher-class]')
      .evaluateAll((els) => Object.fromEntries(els.map((el) => [el.getAttribute('data-teacher-class'), el.textContent])));
    expect(map).toEqual({ Top: 'Top → top', Bottom: 'Bottom → bottom', background: 'background → ignored' });
    await snap(page, 'teacher-import');
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    expect(await page.getByRole('dialog').count()).toBe(0);

    // The imported model is the teacher now; it pseudo-labels the pool.
    expect(await page.getByTestId('review-teacher').inputValue()).toBe(teacherId);
    const start = page.getByTestId('pseudo-label-start');
    expect(await start.innerText()).toContain(`${POOL} unlabeled`);
    await start.click();
    const current = page.getByTestId('review-current');
    await current.waitFor({ timeout: 30_000 });
    await expect.poll(() => reviewTotals(page), POLL).toEqual({ pending: POOL, accepted: 0, rejected: 0, corrected: 0 });
    // It is right: the class it gives is the one in the file name (top-3.png is a "top" image), its
    // "background" class dropped, so the project's two classes share all the probability.
    const file = await current.locator('.file-name').innerText();
    expect(await page.getByTestId('review-current-class').innerText()).toBe(file.split('-')[0]);
    const top = await page
      .getByTestId('review-top3')
      .locator('li')
      .evaluateAll((els) => els.map((el) => ({ name: el.getAttribute('data-class-name'), p: Number(el.querySelector('.top3-p')?.textContent?.replace('%', '')) })));
    expect(top.map((t) => t.name).sort()).toEqual(['bottom', 'top']);
    expect(top[0]!.p + top[1]!.p).toBeCloseTo(100, 0);
    await snap(page, 'teacher-review');

    const accepted = await reviewKey(page, 'a');
    const rejected = await reviewKey(page, 'x');
    const corrected = await reviewKey(page, '2');
    expect(new Set([accepted, rejected, corrected]).size).toBe(3);
    await expect.poll(() => reviewTotals(page), POLL).toEqual({ pending: POOL - 3, accepted: 1, rejected: 1, corrected: 1 });

    // A student from the Rounds view, distilled from the imported teacher's reviewed labels.
    await page.getByTestId('review-sub-rounds').click();
    await page.getByTestId('rounds-view').waitFor();
    expect(await page.getByTestId('student-teacher').inputValue()).toBe(teacherId);
    await page.getByTestId('student-epochs').fill('1');
    await page.getByTestId('student-start').click();
    await gotoView(page, 'train');
    const done = page.getByTestId('train-done');
    await done.waitFor({ timeout: 60_000 });
    const studentId = await done.getAttribute('data-model-id');
    expect(studentId).toBeTruthy();
    expect(studentId).not.toBe(teacherId);

    // Round 1: the imported teacher by name, the student, the decisions made.
    await gotoView(page, 'review');
    await page.getByTestId('review-sub-rounds').click();
    const row = page.getByTestId('round-row');
    await expect.poll(() => row.count(), POLL).toBe(1);
    expect(await row.getAttribute('data-round')).toBe('1');
    const cells = row.locator('td');
    expect(await cells.nth(1).innerText()).toContain('top-bottom.onnx');
    await expect.poll(() => cells.nth(2).locator('button').getAttribute('title'), POLL).toBe(studentId);
    expect(await cells.nth(4).innerText()).toBe('2'); // the accepted and the corrected pseudo-label
    expect((await cells.nth(5).innerText()).trim()).toBe(String(POOL - 3));
    expect((await cells.nth(6).innerText()).trim()).toBe('1');
    expect((await cells.nth(7).innerText()).trim()).toBe('1');
    expect((await cells.nth(8).innerText()).trim()).toBe('1');
    await snap(page, 'teacher-rounds');
  });
});
