import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { cli } from '../test-support/cli';
import { tempDir, writeTopBottomDataset } from '../test-support/fixtures';


let cleanup = () => {};
afterEach(() => cleanup());

describe('train, models, evaluate and predict on the command line', () => {
  test('a trained model is listed, evaluated and used for predictions as the contract says', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const proj = join(t.dir, 'p');
    await writeTopBottomDataset(join(t.dir, 'data'), 20);
    await cli(['init', proj]);
    await cli(['import', proj, join(t.dir, 'data')]);

    const trained = await cli(['train', proj, '--epochs', '3', '--batch', '8', '--lr', '0.005', '--seed', '3', '--json']);
    expect(trained.stderr).not.toMatch(/"error"/);
    expect(trained.code).toBe(0);
    const result = JSON.parse(trained.stdout);
    expect(result).toMatchObject({ epochs: 3, backend: expect.any(String), metrics: { accuracy: expect.any(Number), loss: expect.any(Number) } });
    expect(result.metrics.perClass.map((c: { name: string }) => c.name)).toEqual(['bottom', 'top']);
    expect(result.imagesPerSecond).toBeGreaterThan(0);

    const listed = JSON.parse((await cli(['models', proj, '--json'])).stdout);
    expect(listed.models).toEqual([expect.objectContaining({ id: result.modelId, arch: 'small-cnn', createdAt: expect.any(String) })]);

    const evaluated = JSON.parse((await cli(['evaluate', proj, '--model', result.modelId, '--json'])).stdout);
    expect(evaluated.accuracy).toBeCloseTo(result.metrics.accuracy, 5);
    expect(evaluated.confusion.flat().reduce((a: number, b: number) => a + b, 0)).toBe(8);

    const predicted = JSON.parse((await cli(['predict', proj, '--model', result.modelId, '--split', 'test', '--json'])).stdout);
    expect(predicted.predictions).toHaveLength(8);
    for (const p of predicted.predictions) {
      expect(p.image).toContain(join(t.dir, 'data', 'test'));
      expect(['top', 'bottom']).toContain(p.label);
      expect(p.probs.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 4);
      expect(p.confidence).toBe(Math.max(...p.probs));
    }
  });

  test('bad flags are usage errors; unknown models fail with a reason', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const proj = join(t.dir, 'p');
    await cli(['init', proj]);
    expect((await cli(['train', proj, '--epochs', 'many'])).code).toBe(2);
    expect((await cli(['train', proj, '--optimizer', 'lion'])).code).toBe(2);
    const teacher = await cli(['train', proj, '--teacher', 'nobody']);
    expect(teacher.code).toBe(1);
    expect(teacher.stderr).toMatch(/no model "nobody"/);
    const noData = await cli(['train', proj, '--epochs', '1']);
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(/no images|two classes|no labeled/);
    const missing = await cli(['evaluate', proj, '--model', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no model "nope"/);
  });
});
