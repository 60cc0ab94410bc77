import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildArchitecture } from '../training/models';
import { exportModel, exportOnnx, randomSamples, readOnnxMetadata, verifyOnnx } from './index';
import { onnx } from './onnx-proto';
import { metadataFor, randomizeBatchNorms, top1 } from '../test-support/export-helpers';

let model: tf.LayersModel;
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  model = buildArchitecture('resnet', { height: 16, width: 16, channels: 3, numClasses: 5, seed: 8, widthMultiplier: 0.25 });
  randomizeBatchNorms(model, 5);
  dir = mkdtempSync(join(tmpdir(), 'apprentice-export-'));
});

afterAll(() => {
  model.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('ONNX metadata and variants', () => {
  test('the file describes itself: classes, input spec, provenance', () => {
    const meta = { ...metadataFor(model, 'm-42'), classes: ['cat', 'dog', 'bird', 'fish', 'ünïcode ok'] };
    const info = readOnnxMetadata(exportOnnx(model, meta, { apprenticeVersion: '9.9.9', mean: [0.5, 0.4, 0.3], std: [0.2, 0.2, 0.25] }));
    expect(info).toMatchObject({
      producerName: 'Apprentice', producerVersion: '9.9.9', opset: 13, irVersion: 7,
      inputName: 'image', inputType: 'float32', inputShape: ['batch', 16, 16, 3],
      outputNames: ['logits', 'probabilities'],
      classes: meta.classes, modelId: 'm-42', trainingRunId: 'run-7', apprenticeVersion: '9.9.9', bakedPreprocessing: false,
      preprocessing: { width: 16, height: 16, channels: 3, layout: 'nhwc', scale: 1 / 255, mean: [0.5, 0.4, 0.3], std: [0.2, 0.2, 0.25] },
    });
    expect(info.props).toMatchObject({ input_size: '16x16', channels: '3', layout: 'nhwc', arch: 'resnet' });
  });

  test('the baked-preprocessing variant takes uint8 pixels and gives the plain one top-1 answers', async () => {
    const meta = metadataFor(model);
    const plain = await ort.InferenceSession.create(exportOnnx(model, meta));
    const bakedBytes = exportOnnx(model, meta, { bakedPreprocessing: true });
    const baked = await ort.InferenceSession.create(bakedBytes);
    expect(readOnnxMetadata(bakedBytes)).toMatchObject({ inputName: 'image_uint8', inputType: 'uint8', bakedPreprocessing: true, outputNames: ['probabilities', 'logits'] });
    const n = 16;
    const pixels = new Uint8Array(n * 16 * 16 * 3).map((_, i) => (i * 2654435761) >>> 24);
    const dims = [n, 16, 16, 3];
    const fromPlain = await plain.run({ image: new ort.Tensor('float32', Float32Array.from(pixels, (p) => p / 255), dims) });
    const fromBaked = await baked.run({ image_uint8: new ort.Tensor('uint8', pixels, dims) });
    const probs = fromBaked.probabilities!.data as Float32Array;
    expect(top1(probs, 5)).toEqual(top1(fromPlain.logits!.data as Float32Array, 5));
    for (let i = 0; i < n; i++) expect(probs.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // And it verifies against tfjs on its own terms (samples are turned into the pixels that make them).
    expect((await verifyOnnx(bakedBytes, model, randomSamples(8, meta.input, 4), 8)).verified).toBe(true);
    await Promise.all([plain.release(), baked.release()]);
  });
});

describe('verification', () => {
  test('a corrupted weight in the file is caught', async () => {
    const meta = metadataFor(model);
    const samples = randomSamples(8, meta.input, 6);
    const bytes = exportOnnx(model, meta);
    expect((await verifyOnnx(bytes, model, samples, 8)).verified).toBe(true);
    // Change one float of the first conv's weights, the way a bad layout or a flipped bit would.
    const proto = onnx.ModelProto.decode(bytes);
    const weight = proto.graph!.initializer!.find((t) => t.name === 'stem/weight')!;
    const raw = weight.rawData!;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    view.setFloat32(4 * 7, view.getFloat32(4 * 7, true) + 0.5, true);
    const corrupted = onnx.ModelProto.encode(proto).finish();
    const result = await verifyOnnx(corrupted, model, samples, 8);
    expect(result.verified).toBe(false);
    expect(result.maxAbsDiff).toBeGreaterThan(1e-3);
  });
});

describe('exportModel (the export-model verb)', () => {
  test('ONNX into a folder: model.onnx, labels.txt, README.md, verified from disk', async () => {
    const out = join(dir, 'onnx-export');
    const meta = metadataFor(model);
    const result = await exportModel({ model, meta, format: 'onnx', out, verify: true, sampleCount: 8 });
    expect(result).toMatchObject({ out, format: 'onnx', verified: true, top1Agreement: 1 });
    expect(result.maxAbsDiff).toBeLessThan(1e-4);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'labels.txt', 'model.onnx']);
    expect(readFileSync(join(out, 'labels.txt'), 'utf8')).toBe(`${meta.classes.join('\n')}\n`);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('[batch, 16, 16, 3]');
    expect(readme).toContain("InferenceSession.create('model.onnx')");
  });

  test('ONNX to a file path writes just that file', async () => {
    const out = join(dir, 'single', 'student.onnx');
    const result = await exportModel({ model, meta: metadataFor(model), format: 'onnx', out });
    expect(result).toMatchObject({ verified: false, maxAbsDiff: null, files: [out] });
    expect(readOnnxMetadata(readFileSync(out)).modelId).toBe('model-1');
  });

  test('tfjs: model.json + weights.bin + labels.txt + README.md, reloaded and compared', async () => {
    const out = join(dir, 'tfjs-export');
    const phases: string[] = [];
    const result = await exportModel({ model, meta: metadataFor(model), format: 'tfjs', out, verify: true, sampleCount: 4 }, { onProgress: (p) => phases.push(p.phase) });
    expect(result).toMatchObject({ format: 'tfjs', verified: true, maxAbsDiff: 0, top1Agreement: 1 });
    expect(readdirSync(out).sort()).toEqual(['README.md', 'labels.txt', 'model.json', 'weights.bin']);
    expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).userDefinedMetadata.apprentice.id).toBe('model-1');
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/onnxruntime-node[\s\S]*ort\.Tensor\('float32'/);
    expect(phases).toEqual(['write', 'verify', 'done']);
  });

  test('a cancelled export stops before writing', async () => {
    const out = join(dir, 'cancelled');
    const controller = new AbortController();
    controller.abort();
    await expect(exportModel({ model, meta: metadataFor(model), format: 'onnx', out }, { signal: controller.signal })).rejects.toThrow();
    expect(() => readdirSync(out)).toThrow();
  });
});
