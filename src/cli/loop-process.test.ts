/**
 * The whole loop as a user runs it: one `apprentice` process per step, on real PNGs, every exit
 * code and JSON result checked, twice in a row. The teacher is an ONNX file from elsewhere (a
 * hand-built classifier with no class names inside: they are given with --classes).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { cli } from '../test-support/cli';
import { writeColorDataset, writeColorTeacher } from '../test-support/color-dataset';
import { tempDir } from '../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

/** Run one verb with --json; it must exit 0 and print one JSON object. */
async function ok(args: string[]): Promise<Record<string, unknown>> {
  const r = await cli([...args, '--json']);
  expect(r.code, `apprentice ${args.join(' ')} exited ${r.code}: ${r.stderr}`).toBe(0);
  // With --json, stderr carries only progress as JSON lines: no stack, no warning after the work.
  for (const line of r.stderr.split('\n').filter((l) => l.trim())) expect(() => JSON.parse(line), `apprentice ${args.join(' ')} wrote to stderr: ${line}`).not.toThrow();
  return JSON.parse(r.stdout);
}

async function loop(dir: string) {
  await writeColorDataset(dir);
  const proj = join(dir, 'project');
  // A third-party classifier: channel means -> logits (red, green, blue); no names inside it.
  const teacher = join(dir, 'teacher.onnx');
  writeColorTeacher(teacher);
  const classes = ['--classes', 'red,green,blue'];

  expect(await ok(['init', proj])).toMatchObject({ task: 'classify', classes: [] });
  expect(await ok(['import', proj, join(dir, 'labeled')])).toMatchObject({ imported: 90, duplicates: 0, errors: [] });
  expect(await ok(['import', proj, join(dir, 'pool'), '--format', 'folder', '--split', 'unlabeled'])).toMatchObject({ imported: 90, duplicates: 0, errors: [] });
  const stats = await ok(['stats', proj]);
  expect(stats).toMatchObject({ images: 180, labeled: 90, unlabeled: 90 });

  expect(await ok(['pseudo-label', proj, '--teacher', teacher, ...classes, '--temperature', '2'])).toEqual({ labeled: 90, skipped: 0, errors: [], round: 1 });
  const predicted = (await ok(['predict', proj, '--model', teacher, ...classes, '--split', 'unlabeled'])).predictions as { image: string; label: string; confidence: number }[];
  expect(predicted).toHaveLength(90);
  // The teacher is right on every pool image (its file name says its color).
  for (const p of predicted) expect(p.image).toContain(`p-${p.label}-`);
  // The same file, by content, is one imported teacher, however many verbs were given it.
  let models = (await ok(['models', proj])).models as { id: string; kind: string }[];
  expect(models.filter((m) => m.kind === 'imported')).toHaveLength(1);

  expect(await ok(['review', proj, '--accept-above', '0.6'])).toEqual({ accepted: 90, rejected: 0 });
  expect((await ok(['stats', proj])).pseudo).toEqual({ pending: 0, accepted: 90, rejected: 0, corrected: 0 });

  const student = await ok(['train', proj, '--arch', 'small-cnn', '--epochs', '2', '--batch', '16', '--lr', '0.003', '--teacher', teacher, ...classes, '--alpha', '0.5', '--temperature', '2', '--seed', '1']);
  expect(student).toMatchObject({ epochs: 2 });
  const studentId = student.modelId as string;
  models = (await ok(['models', proj])).models as { id: string; kind: string }[];
  expect(models.map((m) => m.kind).sort()).toEqual(['imported', 'trained']);

  const evaluated = await ok(['evaluate', proj, '--model', studentId, '--split', 'test']);
  expect(evaluated).toMatchObject({ images: 18 });
  expect((evaluated.perClass as { name: string }[]).map((c) => c.name).sort()).toEqual(['blue', 'green', 'red']);
  expect(evaluated.accuracy as number).toBeGreaterThan(0.5);
  expect(await ok(['evaluate', proj, '--model', teacher, ...classes, '--split', 'test'])).toMatchObject({ accuracy: 1, images: 18 });

  const out = join(dir, 'student.onnx');
  const exported = await ok(['export-model', proj, '--model', studentId, '--format', 'onnx', '--out', out, '--verify']);
  expect(exported).toMatchObject({ out, format: 'onnx', verified: true });
  expect(exported.maxAbsDiff as number).toBeLessThanOrEqual(1e-4);

  // The exported file predicts what the student predicts (its class names are in its metadata).
  const byStudent = (await ok(['predict', proj, '--model', studentId, '--split', 'test'])).predictions as { image: string; label: string }[];
  const byFile = (await ok(['predict', proj, '--model', out, '--split', 'test'])).predictions as { image: string; label: string }[];
  expect(byFile).toHaveLength(18);
  expect(byFile.map((p) => [p.image, p.label])).toEqual(byStudent.map((p) => [p.image, p.label]));
  models = (await ok(['models', proj])).models as { id: string; kind: string }[];
  expect(models.filter((m) => m.kind === 'imported')).toHaveLength(2);
}

describe('the whole loop, one process per step', () => {
  test('init, import twice, pseudo-label and predict with an ONNX file, review, KD student, evaluate, export --verify, predict with the export: twice in a row', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    await loop(join(t.dir, 'run-1'));
    await loop(join(t.dir, 'run-2'));
  }, 600_000);

  test("a project created without classes takes the teacher's from --classes, and says so", async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    await writeColorDataset(t.dir);
    const proj = join(t.dir, 'project');
    const teacher = join(t.dir, 'teacher.onnx');
    writeColorTeacher(teacher);
    await ok(['init', proj]);
    expect(await ok(['import', proj, join(t.dir, 'pool'), '--format', 'folder', '--split', 'unlabeled'])).toMatchObject({ imported: 90 });
    // Nothing names the teacher's classes: refused, saying how to name them.
    const unnamed = await cli(['pseudo-label', proj, '--teacher', teacher]);
    expect(unnamed.code).toBe(1);
    expect(unnamed.stderr).toContain('give them with --classes');
    expect(await ok(['pseudo-label', proj, '--teacher', teacher, '--classes', 'red,green,blue'])).toEqual({ labeled: 90, skipped: 0, errors: [], round: 1, adoptedClasses: ['red', 'green', 'blue'] });
    expect(((await ok(['stats', proj])).classes as { name: string }[]).map((c) => c.name)).toEqual(['red', 'green', 'blue']);
    // Teacher file flags describe a file: with a model id they are a usage error.
    const id = ((await ok(['models', proj])).models as { id: string }[])[0]!.id;
    const misuse = await cli(['train', proj, '--teacher', id, '--classes', 'a,b', '--json']);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toContain('--classes describe an ONNX teacher file');
    expect((await cli(['pseudo-label', proj, '--teacher', teacher, '--classes', 'red,,blue'])).code).toBe(2);
  }, 300_000);
});
