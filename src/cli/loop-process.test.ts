/**
 * The whole loop as a user runs it: one `apprentice` process per step, on real PNGs, every exit
 * code and JSON result checked, twice in a row. The teacher is an ONNX file from elsewhere (a
 * hand-built classifier with no class names inside: they are given with --classes).
 */
import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { cli } from '../test-support/cli';
import { tempDir } from '../test-support/fixtures';
import { tinyNchwClassifier } from '../inference/test-models';

let cleanup = () => {};
afterEach(() => cleanup());

const COLORS = { red: [0, 1, 2], green: [1, 0, 2], blue: [2, 0, 1] } as const;

/** A 16x16 RGB PNG, noisy, whose channel `strong` is bright and the other two dark. */
async function colorPng(file: string, channels: readonly number[], seed: number) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const px = Buffer.alloc(16 * 16 * 3);
  for (let i = 0; i < 16 * 16; i++) {
    px[i * 3 + channels[0]!] = 150 + Math.round(rand() * 100);
    px[i * 3 + channels[1]!] = Math.round(rand() * 90);
    px[i * 3 + channels[2]!] = Math.round(rand() * 90);
  }
  mkdirSync(dirname(file), { recursive: true });
  await sharp(px, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(file);
}

/** labeled/{train,test}/<class>/*.png (30 per class) and a flat pool of 30 unlabeled per class. */
async function writeData(root: string) {
  let seed = 7;
  for (const [name, channels] of Object.entries(COLORS)) {
    for (let i = 0; i < 30; i++) await colorPng(join(root, 'labeled', i % 5 === 0 ? 'test' : 'train', name, `${name}-${i}.png`), channels, seed++);
    for (let i = 0; i < 30; i++) await colorPng(join(root, 'pool', `p-${name}-${i}.png`), channels, 10_000 + seed++);
  }
}

/** Run one verb with --json; it must exit 0 and print one JSON object. */
async function ok(args: string[]): Promise<Record<string, unknown>> {
  const r = await cli([...args, '--json']);
  expect(r.code, `apprentice ${args.join(' ')} exited ${r.code}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

async function loop(dir: string) {
  await writeData(dir);
  const proj = join(dir, 'project');
  // A third-party classifier: channel means -> logits (red, green, blue); no names inside it.
  const teacher = join(dir, 'teacher.onnx');
  writeFileSync(teacher, tinyNchwClassifier({ channels: 3, size: 16, weights: [[10, -5, -5], [-5, 10, -5], [-5, -5, 10]] }));
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
    await writeData(t.dir);
    const proj = join(t.dir, 'project');
    const teacher = join(t.dir, 'teacher.onnx');
    writeFileSync(teacher, tinyNchwClassifier({ channels: 3, size: 16, weights: [[10, -5, -5], [-5, 10, -5], [-5, -5, 10]] }));
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
