import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { tempDir } from '../test-support/fixtures';
import { tinyNchwClassifier } from '../test-support/onnx-models';
import { OnnxClassifier, resolveOnnxSpec } from './onnx';
import type { ResizeMethod } from './preprocess';

let cleanup = async () => {};
afterEach(() => cleanup());

/** `count` small noisy images of varied sizes (PNG, a few JPEGs), as rows of a project folder. */
async function images(dir: string, count: number): Promise<{ media_path: string; sha256: string }[]> {
  mkdirSync(join(dir, 'media'), { recursive: true });
  const rows = [];
  for (let i = 0; i < count; i++) {
    const w = 6 + (i % 11);
    const h = 5 + (i % 7);
    const px = Buffer.alloc(w * h * 3);
    for (let p = 0; p < px.length; p++) px[p] = (p * 37 + i * 101 + ((p * i) % 13)) & 255;
    const img = sharp(px, { raw: { width: w, height: h, channels: 3 } });
    const name = `media/${i}.${i % 10 === 3 ? 'jpg' : 'png'}`;
    writeFileSync(join(dir, name), await (i % 10 === 3 ? img.jpeg() : img.png()).toBuffer());
    rows.push({ media_path: name, sha256: String(i).padStart(64, '0') });
  }
  return rows;
}

async function teacher(dir: string, resize: ResizeMethod): Promise<OnnxClassifier> {
  const file = join(dir, 'teacher.onnx');
  writeFileSync(file, tinyNchwClassifier({ channels: 3, size: 8, weights: [[3, -1, 0], [-2, 4, 1], [1, -3, 2]] }));
  const { spec } = resolveOnnxSpec(file, { scale: 1 / 255, resize });
  const model = await OnnxClassifier.load(file, spec);
  const done = cleanup;
  cleanup = async () => {
    await model.release();
    await done();
  };
  return model;
}

describe('the decode thread of a teacher', () => {
  test.each(['sharp', 'bilinear'] as const)('decodes ahead of inference with the same numbers as decoding on the inference thread (resize %s)', async (resize) => {
    const t = tempDir();
    cleanup = async () => t.cleanup();
    const rows = await images(t.dir, 150);
    const model = await teacher(t.dir, resize);
    // One call of three batches goes through the decode thread; calls of one batch decode here.
    const progress: number[] = [];
    expect(model.decodeThread).toBe(false);
    const threaded = await model.predictRows(t.dir, rows, { onProgress: (done) => progress.push(done) });
    expect(model.decodeThread).toBe(true);
    const inline = new Float32Array(threaded.probs.length);
    for (let s = 0; s < rows.length; s += 64) inline.set((await model.predictRows(t.dir, rows.slice(s, s + 64))).probs, s * threaded.k);
    expect(threaded.k).toBe(3);
    expect(Buffer.from(threaded.probs.buffer).equals(Buffer.from(inline.buffer))).toBe(true);
    expect(progress).toEqual([64, 128, 150]);
  });

  test('a cancel stops between batches; a damaged image fails the call with the decoder\'s reason; the thread keeps working', async () => {
    const t = tempDir();
    cleanup = async () => t.cleanup();
    const rows = await images(t.dir, 300);
    const model = await teacher(t.dir, 'sharp');
    const abort = new AbortController();
    let seen = 0;
    await expect(model.predictRows(t.dir, rows, { signal: abort.signal, onProgress: (done) => { seen = done; abort.abort(); } })).rejects.toThrow(/abort/i);
    expect(seen).toBe(64);

    writeFileSync(join(t.dir, 'media/bad.png'), Buffer.from('not an image'));
    const damaged = rows.map((r, i) => (i === 100 ? { media_path: 'media/bad.png', sha256: 'f'.repeat(64) } : r));
    const inlineError = await model.predictRows(t.dir, damaged.slice(64, 128)).then(() => 'no error', (e: Error) => e.message);
    expect(inlineError).not.toBe('no error');
    await expect(model.predictRows(t.dir, damaged)).rejects.toThrow(inlineError);

    const { probs } = await model.predictRows(t.dir, rows);
    expect(probs.length).toBe(rows.length * 3);
    expect(probs.every(Number.isFinite)).toBe(true);
  });
});
