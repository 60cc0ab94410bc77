import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../../media/files';
import { imagePixels } from '../../media';
import type { Backbone, OnnxBackbone } from './backbone';
import { OnnxClassifier } from '../../inference/onnx';

/**
 * Backbone features of images, computed once per image and backbone and cached in the project
 * (cache/features/<backbone key>/), so a second frozen-backbone run starts training at once.
 */
export async function backboneFeatures(
  projectDir: string,
  backbone: Backbone | OnnxBackbone,
  rows: { media_path: string; sha256: string }[],
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ features: Float32Array; cached: number }> {
  const d = backbone.featureDim;
  const out = new Float32Array(rows.length * d);
  const dir = join(projectDir, 'cache', 'features', backbone.key);
  const file = (sha: string) => join(dir, sha.slice(0, 2), `${sha}.f32`);
  const missing: number[] = [];
  rows.forEach((r, i) => {
    const f = file(r.sha256);
    if (existsSync(f)) {
      const buf = readFileSync(f);
      if (buf.length === d * 4) {
        out.set(new Float32Array(buf.buffer, buf.byteOffset, d), i * d);
        return;
      }
    }
    missing.push(i);
  });
  if (backbone.kind === 'onnx') {
    // onnxruntime computes the features; the cache works the same.
    const runner = await OnnxClassifier.load(backbone.file, backbone.spec, 'features');
    try {
      const todo = missing.map((i) => rows[i]!);
      const feats = await runner.featureRows(projectDir, todo, opts);
      for (const [j, i] of missing.entries()) {
        const v = feats.slice(j * d, (j + 1) * d);
        out.set(v, i * d);
        await writeFileAtomic(file(rows[i]!.sha256), new Uint8Array(v.buffer));
      }
    } finally {
      await runner.release();
    }
    return { features: out, cached: rows.length - missing.length };
  }
  const { height, width, channels } = backbone.input;
  const size = height * width * channels;
  const BATCH = 32;
  for (let start = 0; start < missing.length; start += BATCH) {
    opts.signal?.throwIfAborted();
    const chunk = missing.slice(start, start + BATCH);
    const x = new Float32Array(chunk.length * size);
    for (const [j, i] of chunk.entries()) {
      const px = await imagePixels(projectDir, rows[i]!.media_path, rows[i]!.sha256, backbone.input);
      for (let k = 0; k < size; k++) x[j * size + k] = px[k]! / 255;
    }
    const feats = tf.tidy(() => backbone.extractor.predict(tf.tensor4d(x, [chunk.length, height, width, channels])) as tf.Tensor);
    const values = feats.dataSync() as Float32Array;
    feats.dispose();
    for (const [j, i] of chunk.entries()) {
      const v = values.slice(j * d, (j + 1) * d);
      out.set(v, i * d);
      await writeFileAtomic(file(rows[i]!.sha256), new Uint8Array(v.buffer));
    }
    opts.onProgress?.(Math.min(missing.length, start + BATCH), missing.length);
  }
  return { features: out, cached: rows.length - missing.length };
}
