import { afterEach, describe, expect, test } from 'vitest';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../api/errors';
import type { PseudoLabelResult } from '../api/types';
import { tinyNchwClassifier } from '../test-support/onnx-models';
import { tempDir } from '../test-support/fixtures';
import { CheckedService } from '../test-support/checking-replies';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

const RED_GREEN = [[4, -4], [-4, 4], [0, 0]];

async function solid(path: string, rgb: [number, number, number]) {
  mkdirSync(join(path, '..'), { recursive: true });
  await sharp({ create: { width: 12, height: 12, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toFile(path);
}

/** A project (inside `ws` when given) with four unlabeled solid-color images; `classes` as created. */
async function setup(classes: string[], opts: { web?: boolean } = {}) {
  const t = tempDir();
  const ws = join(t.dir, 'ws');
  mkdirSync(ws, { recursive: true });
  const service = new CheckedService(opts.web ? { transport: 'web', workspace: ws } : { transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  const proj = join(ws, 'p');
  await service.invoke('project.create', { dir: proj, classes });
  const colors: [number, number, number][] = [[200, 40, 0], [30, 180, 10], [220, 20, 20], [10, 200, 40]];
  for (const [i, c] of colors.entries()) await solid(join(ws, 'pool', `c${i}.png`), c);
  const run = async (input: unknown) => {
    const job = await service.waitForJob((await service.invoke('jobs.start', input as never)).jobId);
    if (job.error) throw new AppError(job.error.code as never, job.error.message);
    return job.result;
  };
  await run({ kind: 'import', input: { paths: [join(ws, 'pool')], format: 'folder', split: 'unlabeled' } });
  const teacher = (name: string) => {
    const file = join(ws, name);
    writeFileSync(file, tinyNchwClassifier({ channels: 3, size: 8, weights: RED_GREEN }));
    return file;
  };
  const imported = async () => (await service.invoke('models.list', {})).filter((m) => m.kind === 'imported');
  const modelFolders = () => readdirSync(join(proj, 'models'));
  return { t, ws, proj, service, run, teacher, imported, modelFolders };
}

describe('ONNX files as models and teachers', () => {
  test('predict and pseudo-label take an ONNX file, imported once by content: another path to the same bytes is the same teacher', async () => {
    const { ws, run, teacher, imported, modelFolders } = await setup(['red', 'green']);
    const file = teacher('teacher.onnx');
    const spec = { classes: ['red', 'green'] };
    const predicted = (await run({ kind: 'predict', input: { model: file, split: 'unlabeled', spec } })) as { predictions: { image: string; label: string }[] };
    expect(predicted.predictions.map((p) => [p.image.slice(-6), p.label])).toEqual([['c0.png', 'red'], ['c1.png', 'green'], ['c2.png', 'red'], ['c3.png', 'green']]);
    mkdirSync(join(ws, 'elsewhere'));
    const copy = join(ws, 'elsewhere', 'same.onnx');
    copyFileSync(file, copy);
    expect(await run({ kind: 'pseudo-label', input: { teacher: copy, spec } })).toMatchObject({ labeled: 4, skipped: 0 });
    expect(await run({ kind: 'evaluate', input: { model: file, split: 'unlabeled', spec } }).catch((e: AppError) => e.code)).toBe('INVALID_INPUT'); // no labels there: but no new import
    expect(await imported()).toHaveLength(1);
    expect(modelFolders()).toHaveLength(1);
    // Other class names, or a sidecar that changed, make another teacher.
    await run({ kind: 'predict', input: { model: file, split: 'unlabeled', spec: { classes: ['rouge', 'vert'] } } });
    expect(await imported()).toHaveLength(2);
    writeFileSync(join(ws, 'teacher.json'), JSON.stringify({ classes: ['r', 'g'] }));
    await run({ kind: 'predict', input: { model: file, split: 'unlabeled' } });
    await run({ kind: 'predict', input: { model: file, split: 'unlabeled' } });
    expect((await imported()).map((m) => m.classes)).toEqual([['r', 'g'], ['rouge', 'vert'], ['red', 'green']]);
    expect(modelFolders()).toHaveLength(3);
  });

  test('a web client may give an ONNX file only from inside the workspace', async () => {
    const { t, service, run, teacher, imported } = await setup(['red', 'green'], { web: true });
    const outside = join(t.dir, 'outside.onnx');
    writeFileSync(outside, tinyNchwClassifier({ channels: 3, size: 8, weights: RED_GREEN }));
    for (const model of [outside, '../outside.onnx']) {
      for (const kind of ['predict', 'evaluate'] as const) {
        await expect(service.invoke('jobs.start', { kind, input: { model } } as never)).rejects.toMatchObject({ code: 'PATH_OUTSIDE_PROJECT' });
      }
      await expect(service.invoke('jobs.start', { kind: 'pseudo-label', input: { teacher: model } } as never)).rejects.toMatchObject({ code: 'PATH_OUTSIDE_PROJECT' });
      await expect(service.invoke('jobs.start', { kind: 'train', input: { teacher: model } } as never)).rejects.toMatchObject({ code: 'PATH_OUTSIDE_PROJECT' });
      await expect(service.invoke('jobs.start', { kind: 'self-train', input: { teacher: model } } as never)).rejects.toMatchObject({ code: 'PATH_OUTSIDE_PROJECT' });
    }
    expect(await imported()).toHaveLength(0);
    teacher('inside.onnx');
    const r = (await run({ kind: 'predict', input: { model: 'inside.onnx', split: 'unlabeled', spec: { classes: ['red', 'green'] } } })) as { predictions: unknown[] };
    expect(r.predictions).toHaveLength(4);
  });

  test("a project created without classes adopts the teacher's, and says so; a teacher that names none is refused with what to do", async () => {
    const { service, run, teacher } = await setup([]);
    const file = teacher('unnamed.onnx');
    await expect(run({ kind: 'pseudo-label', input: { teacher: file } })).rejects.toThrow(/does not name its classes: give them with --classes/);
    expect(await service.invoke('classes.list', {})).toEqual([]);
    const r = (await run({ kind: 'pseudo-label', input: { teacher: file, spec: { classes: ['red', 'green'] } } })) as PseudoLabelResult;
    expect(r).toMatchObject({ labeled: 4, skipped: 0, adoptedClasses: ['red', 'green'] });
    expect((await service.invoke('classes.list', {})).map((c) => c.name)).toEqual(['red', 'green']);
    expect((await service.invoke('stats.get', {})).pseudo).toMatchObject({ pending: 4 });
    // Now the project has classes: nothing is adopted again.
    const second = teacher('second.onnx');
    writeFileSync(join(second, '..', 'second.json'), JSON.stringify({ classes: ['green', 'red'] }));
    const again = (await run({ kind: 'pseudo-label', input: { teacher: second } })) as PseudoLabelResult;
    expect(again.adoptedClasses).toBeUndefined();
    expect((await service.invoke('classes.list', {})).map((c) => c.name)).toEqual(['red', 'green']);
  });

  test('preprocessing flags with a model id are refused: they describe an ONNX file', async () => {
    const { run, teacher, imported } = await setup(['red', 'green']);
    await run({ kind: 'predict', input: { model: teacher('t.onnx'), split: 'unlabeled', spec: { classes: ['red', 'green'] } } });
    const id = (await imported())[0]!.id;
    await expect(run({ kind: 'predict', input: { model: id, split: 'unlabeled', spec: { classes: ['a', 'b'] } } })).rejects.toThrow(/classes describe an ONNX file/);
  });
});
