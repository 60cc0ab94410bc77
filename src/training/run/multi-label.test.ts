/**
 * A multi-label project end to end: images with a red square, a blue square or both, exported
 * from CVAT with one <tag> per class, imported, trained with a sigmoid per class, predicted,
 * evaluated and exported to ONNX (verified against onnxruntime) through the service's jobs.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, test } from 'vitest';
import { readOnnxMetadata } from '../../export';
import { onnx } from '../../export/onnx-proto';
import type { ModelDetail, TrainResult } from '../../api/types';
import { CheckedService } from '../../test-support/checking-replies';
import { tempDir } from '../../test-support/fixtures';
import { JOB_TEST_TIMEOUT_MS, within } from '../../test-support/wait';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

type Kind = 'red' | 'blue' | 'both';
const KINDS: Kind[] = ['red', 'blue', 'both'];

/** A 16x16 dark noisy RGB image with a 5x5 red square in its left part and/or a blue one in its right part, jittered. */
function squaresPixels(kind: Kind, seed: number): Buffer {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const px = Buffer.alloc(16 * 16 * 3);
  for (let i = 0; i < px.length; i++) px[i] = Math.round(rand() * 40);
  const square = (x0: number, y0: number, channel: number) => {
    for (let y = y0; y < y0 + 5; y++) for (let x = x0; x < x0 + 5; x++) px[(y * 16 + x) * 3 + channel] = 200 + Math.round(rand() * 55);
  };
  if (kind !== 'blue') square(Math.floor(rand() * 4), Math.floor(rand() * 12), 0);
  if (kind !== 'red') square(8 + Math.floor(rand() * 4), Math.floor(rand() * 12), 2);
  return px;
}

/** As CVAT 2.x writes a project export ("CVAT for images 1.1" with images): images/<subset>/, one <tag> per class of an image. */
async function writeCvatSquares(root: string, count: number): Promise<void> {
  const images: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % 3]!;
    const subset = i % 5 === 0 ? 'Test' : 'Train';
    const name = `sq-${i}.png`;
    mkdirSync(join(root, 'images', subset), { recursive: true });
    await sharp(squaresPixels(kind, 1000 + i), { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(join(root, 'images', subset, name));
    const tags = (kind === 'both' ? ['red', 'blue'] : [kind]).map((l) => `    <tag label="${l}" source="manual">\n    </tag>\n`).join('');
    images.push(`  <image id="${i}" name="${name}" subset="${subset}" task_id="${subset === 'Train' ? 3 : 4}" width="16" height="16">\n${tags}  </image>\n`);
  }
  const label = (name: string, color: string) =>
    `        <label>\n          <name>${name}</name>\n          <color>${color}</color>\n          <type>tag</type>\n          <attributes>\n          </attributes>\n        </label>\n`;
  const task = (id: number, subset: string) =>
    `        <task>\n          <id>${id}</id>\n          <name>squares ${subset.toLowerCase()}</name>\n          <size>${count}</size>\n          <mode>annotation</mode>\n          <subset>${subset}</subset>\n        </task>\n`;
  writeFileSync(join(root, 'annotations.xml'), `<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta>
    <project>
      <id>1</id>
      <name>squares</name>
      <labels>
${label('red', '#fa3253')}${label('blue', '#3d3df5')}      </labels>
      <tasks>
${task(3, 'Train')}${task(4, 'Test')}      </tasks>
    </project>
    <dumped>2024-03-02 10:05:00.000000+00:00</dumped>
  </meta>
${images.join('')}</annotations>
`);
}

async function setup(count: number) {
  const t = tempDir();
  const service = new CheckedService({ transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  await writeCvatSquares(join(t.dir, 'cvat'), count);
  await service.invoke('project.create', { dir: join(t.dir, 'proj') });
  const run = async (input: unknown, what: string) => {
    const job = await within(service.waitForJob((await service.invoke('jobs.start', input as never)).jobId), what);
    return job;
  };
  const imported = await run({ kind: 'import', input: { paths: [join(t.dir, 'cvat', 'annotations.xml')], format: 'cvat' } }, 'the CVAT import');
  expect(imported.error).toBeNull();
  expect(imported.result).toMatchObject({ imported: count, errors: [] });
  return { service, run, dir: t.dir };
}

describe('multi-label classification', () => {
  test('trains a sigmoid per class on images carrying several tags, predicts both squares, evaluates per class and exports a verified ONNX ending in Sigmoid', { timeout: JOB_TEST_TIMEOUT_MS }, async () => {
    const { service, run, dir } = await setup(60);
    const trained = await run({ kind: 'train', input: { arch: 'small-cnn', epochs: 8, batchSize: 8, learningRate: 0.005, optimizer: 'adam', seed: 1 } }, 'the multi-label training run');
    expect(trained.error).toBeNull();
    const result = trained.result as TrainResult;
    const m = result.metrics;
    console.log(`multi-label: exact match ${m.accuracy.toFixed(3)}, macro F1 ${m.multiLabel?.macroF1.toFixed(3)}, loss ${m.loss.toFixed(4)}`);
    expect(m.split).toBe('test');
    expect(m.multiLabel).toMatchObject({ threshold: 0.5 });
    expect(m.multiLabel!.macroF1).toBeGreaterThan(0.9);
    expect(m.accuracy).toBe(m.multiLabel!.exactMatch);
    expect(m.topK).toBeUndefined();
    // 12 test images: 4 red, 4 blue, 4 both -> each class is on 8 of them.
    expect(m.perClass.map((c) => [c.name, c.support])).toEqual([['red', 8], ['blue', 8]]);
    expect(m.multiLabel!.macroF1).toBeCloseTo((m.perClass[0]!.f1 + m.perClass[1]!.f1) / 2, 10);

    const detail = (await service.invoke('models.get', { id: result.modelId })) as ModelDetail;
    expect(detail.multiLabel).toBe(true);
    expect(detail.confusion).toEqual([]);
    expect(detail.history).toHaveLength(8);
    expect(detail.history.at(-1)!.loss).toBeLessThan(detail.history[0]!.loss * 0.7);

    // Predict: probs are sigmoids (each in [0, 1], rows need not sum to 1), labels every class >= 0.5.
    const predicted = await run({ kind: 'predict', input: { model: result.modelId, split: 'test' } }, 'the predictions');
    expect(predicted.error).toBeNull();
    const p = predicted.result as {
      classes: string[]; multiLabel: { threshold: number };
      predictions: { image: string; label: string; confidence: number; probs: number[]; labels: string[]; trueLabels: string[] }[];
    };
    expect(p.classes).toEqual(['red', 'blue']);
    expect(p.multiLabel).toEqual({ threshold: 0.5 });
    expect(p.predictions).toHaveLength(12);
    for (const q of p.predictions) {
      expect(q.labels).toEqual(p.classes.filter((_, c) => q.probs[c]! >= 0.5));
      expect(q.confidence).toBe(Math.max(...q.probs));
      expect(q.label).toBe(p.classes[q.probs.indexOf(q.confidence)]);
    }
    const both = p.predictions.filter((q) => q.trueLabels.length === 2);
    expect(both).toHaveLength(4);
    expect(both.map((q) => q.trueLabels)).toEqual(Array(4).fill(['red', 'blue']));
    // A both-squares image is predicted as both (macro F1 > 0.9 leaves room for one miss at most).
    expect(both.filter((q) => q.labels.length === 2).length).toBeGreaterThanOrEqual(3);

    const evaluated = await run({ kind: 'evaluate', input: { model: result.modelId, split: 'test' } }, 'the evaluation');
    expect(evaluated.error).toBeNull();
    const e = evaluated.result as { accuracy: number; images: number; perClass: { name: string; f1: number; support: number }[]; confusion: number[][]; multiLabel: { macroF1: number; exactMatch: number } };
    expect(e.images).toBe(12);
    expect(e.confusion).toEqual([]);
    expect(e.accuracy).toBeCloseTo(m.accuracy, 6);
    expect(e.multiLabel.macroF1).toBeCloseTo(m.multiLabel!.macroF1, 6);
    expect(e.perClass.map((c) => [c.name, c.support])).toEqual([['red', 8], ['blue', 8]]);
    const exact = p.predictions.filter((q) => q.labels.join() === q.trueLabels.join()).length / 12;
    expect(e.multiLabel.exactMatch).toBeCloseTo(exact, 10);

    // ONNX: probabilities = Sigmoid(logits), multi_label in the metadata, verified against onnxruntime.
    const out = join(dir, 'exports', 'squares.onnx');
    const exported = await run({ kind: 'export-model', input: { model: result.modelId, format: 'onnx', out, verify: true } }, 'the ONNX export');
    expect(exported.error).toBeNull();
    expect(exported.result).toMatchObject({ out, format: 'onnx', verified: true, top1Agreement: 1 });
    const bytes = readFileSync(out);
    expect(readOnnxMetadata(bytes).props.multi_label).toBe('true');
    const nodes = onnx.ModelProto.decode(bytes).graph!.node!;
    expect(nodes.at(-1)).toMatchObject({ opType: 'Sigmoid', input: ['logits'], output: ['probabilities'] });
    expect(nodes.some((n) => n.opType === 'Softmax')).toBe(false);
    // The file says "both" for a both-squares image too: the onnxruntime probabilities match the model's prediction.
    const session = await ort.InferenceSession.create(bytes);
    try {
      const q = both.find((b) => b.labels.length === 2)!;
      const { data, info } = await sharp(q.image).raw().toBuffer({ resolveWithObject: true });
      expect(info).toMatchObject({ width: 16, height: 16, channels: 3 });
      const x = Float32Array.from(data, (v) => v / 255);
      const r = await session.run({ image: new ort.Tensor('float32', x, [1, 16, 16, 3]) });
      const probs = Array.from(r.probabilities!.data as Float32Array);
      for (let c = 0; c < 2; c++) expect(probs[c]).toBeCloseTo(q.probs[c]!, 4);
      expect(probs.every((v) => v >= 0.5)).toBe(true);
    } finally {
      await session.release();
    }

    // Distillation needs single-label teachers: refused, naming the option.
    const student = await run({ kind: 'train', input: { teacher: result.modelId, epochs: 1 } }, 'the refused student run');
    expect(student.state).toBe('failed');
    expect(student.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('--teacher') });
  });
});
