import { afterEach, describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { OnnxGraphBuilder } from '../export/graph-builder';
import { onnx } from '../export/onnx-proto';
import { metadataProps } from '../export/metadata';
import { CheckedService } from '../test-support/checking-replies';
import { tempDir } from '../test-support/fixtures';
import { tinyMeanAffine, tinyNchwClassifier } from '../test-support/onnx-models';
import { placement, roundHalfEven, toGray, toModelInput, LETTERBOX_GREY } from './preprocess';
import { resolveOnnxSpec } from './onnx-spec';
import { decodeUpright, modelPixels } from './preprocess-pixels';
import { resample } from '../media/resample';
import type { PseudoLabelResult } from '../api/types';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/**
 * The checkerboard [[0, 255], [255, 0]] enlarged 2x2 -> 4x4 by Pillow's bilinear filter, worked
 * out by hand in src/media/resample.test.ts: the reference pixels of a torchvision Resize(4).
 */
const CHECKER_4X4 = [
  [0, 64, 191, 255],
  [64, 96, 159, 191],
  [191, 159, 96, 64],
  [255, 191, 64, 0],
];

describe('geometry', () => {
  test("Python's round: halves to even", () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, -1.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3, -2]);
  });

  test('letterbox as Ultralytics: fit keeping the aspect, the new size and the padding rounded as Python does', () => {
    // 100x50 into 64x64: r = min(64/50, 64/100) = 0.64 -> 64x32; dh = 32 / 2 = 16 -> top round(15.9) = 16.
    expect(placement(100, 50, 64, 64, { crop: 'none', letterbox: true })).toEqual({ width: 64, height: 32, left: 0, top: 16 });
    // 100x45: h = round(28.8) = 29; dh = 35 / 2 = 17.5 -> top round(17.4) = 17 (bottom round(17.6) = 18).
    expect(placement(100, 45, 64, 64, { crop: 'none', letterbox: true })).toEqual({ width: 64, height: 29, left: 0, top: 17 });
    // Enlarging too (Ultralytics' scaleup): 20x40 into 64x64 -> 32x64, left 16.
    expect(placement(20, 40, 64, 64, { crop: 'none', letterbox: true })).toEqual({ width: 32, height: 64, left: 16, top: 0 });
  });

  test("centre crop as torchvision's Resize(s) + CenterCrop: int() for the long side, round() for the offset", () => {
    // 28x40 into 24x24: Resize(24) -> 24 x int(24 * 40 / 28 = 34.29) = 34; top = round(10 / 2) = 5.
    expect(placement(28, 40, 24, 24, { crop: 'center', letterbox: false })).toEqual({ width: 24, height: 34, left: 0, top: -5 });
    // 28x41: 24 x int(35.14) = 35; top = round(5.5) = 6 (half to even).
    expect(placement(28, 41, 24, 24, { crop: 'center', letterbox: false })).toEqual({ width: 24, height: 35, left: 0, top: -6 });
    // 45x30 (landscape): 36x24, left = round(6) = 6.
    expect(placement(45, 30, 24, 24, { crop: 'center', letterbox: false })).toEqual({ width: 36, height: 24, left: -6, top: 0 });
    // A wide input (32x16) from a square image: s = 32 covers both -> 32x32, top = round(8) = 8.
    expect(placement(10, 10, 32, 16, { crop: 'center', letterbox: false })).toEqual({ width: 32, height: 32, left: 0, top: -8 });
  });

  test("gray is copied to three channels (PIL convert('RGB')); colour to gray is ITU-R 601-2 luma in fixed point (convert('L'))", () => {
    const checker = { data: Uint8Array.of(0, 255, 255, 0), width: 2, height: 2, channels: 1 };
    const { pixels, frame } = toModelInput(checker, 4, 4, 3, { resize: 'bilinear', crop: 'none', letterbox: false });
    expect(frame).toEqual({ left: 0, top: 0, width: 4, height: 4 });
    expect(Array.from(pixels)).toEqual(CHECKER_4X4.flat().flatMap((v) => [v, v, v]));
    // Pillow: pure red, green, blue -> 76, 150, 29 ((r 19595 + g 38470 + b 7471 + 0x8000) >> 16).
    expect(Array.from(toGray({ data: Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255), width: 3, height: 1, channels: 3 }).data)).toEqual([76, 150, 29]);
  });

  test('a letterboxed image sits in grey 114; a centre crop keeps the middle', () => {
    // 4x2 of gray 200 into 4x4: 4x2 at top 1, rows 0 and 3 are padding.
    const wide = { data: new Uint8Array(8).fill(200), width: 4, height: 2, channels: 1 };
    const boxed = toModelInput(wide, 4, 4, 1, { resize: 'bilinear', crop: 'none', letterbox: true });
    expect(boxed.frame).toEqual({ left: 0, top: 1, width: 4, height: 2 });
    expect(Array.from(boxed.pixels)).toEqual([...new Array(4).fill(LETTERBOX_GREY), ...new Array(8).fill(200), ...new Array(4).fill(LETTERBOX_GREY)]);
    // 4x2 ramp [0, 10, 20, 30] rows, cropped to 2x2 (nearest: no resize, s = 2 -> 4x2 stays): columns 1, 2.
    const ramp = { data: Uint8Array.of(0, 10, 20, 30, 0, 10, 20, 30), width: 4, height: 2, channels: 1 };
    const cropped = toModelInput(ramp, 2, 2, 1, { resize: 'nearest', crop: 'center', letterbox: false });
    expect(cropped.frame).toEqual({ left: -1, top: 0, width: 4, height: 2 });
    expect(Array.from(cropped.pixels)).toEqual([10, 20, 10, 20]);
  });
});

describe('decoding and the pixel cache', () => {
  test('a JPEG is decoded upright (EXIF) at its own size; a large image is cached with its size, and read back with the same frame', async () => {
    const t = tempDir();
    try {
      // 40x20 stored, orientation 6 (rotate 90 degrees clockwise to view): 20x40 upright.
      const jpeg = join(t.dir, 'rotated.jpg');
      await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 200, g: 30, b: 30 } } }).withMetadata({ orientation: 6 }).jpeg().toFile(jpeg);
      expect(await decodeUpright(jpeg)).toMatchObject({ width: 20, height: 40, channels: 3 });
      // A 120x80 gray PNG letterboxed into 32x32: 32x21 (round(21.33)) at top round(5.5 - 0.1) = 5.
      const data = Uint8Array.from({ length: 120 * 80 }, (_, i) => (i * 13) & 255);
      await sharp(Buffer.from(data), { raw: { width: 120, height: 80, channels: 1 } }).png().toFile(join(t.dir, 'big.png'));
      const spec = { width: 32, height: 32, channels: 1 as const, resize: 'area' as const, crop: 'none' as const, letterbox: true };
      const sha = 'ab'.padEnd(64, '0');
      const first = await modelPixels(t.dir, 'big.png', sha, spec);
      expect(first.frame).toEqual({ left: 0, top: 5, width: 32, height: 21 });
      const sized = resample({ data, width: 120, height: 80, channels: 1 }, 32, 21, 'area').data;
      expect(Array.from(first.pixels.subarray(5 * 32, 26 * 32))).toEqual(Array.from(sized));
      expect(first.pixels[0]).toBe(LETTERBOX_GREY);
      const cacheFile = join(t.dir, 'cache', 'tensors', '32x32x1-area-letterbox', 'ab', `${sha}.u8`);
      expect(readFileSync(cacheFile).length).toBe(32 * 32 + 8);
      rmSync(join(t.dir, 'big.png'));
      const again = await modelPixels(t.dir, 'big.png', sha, spec);
      expect(again.frame).toEqual(first.frame);
      expect(Array.from(again.pixels)).toEqual(Array.from(first.pixels));
    } finally {
      t.cleanup();
    }
  });
});

describe('the spec keys', () => {
  test('flags, sidecar and ONNX metadata name the resize, crop and letterbox; bad values are refused naming the key and the allowed values', () => {
    const t = tempDir();
    try {
      const file = join(t.dir, 'm.onnx');
      const model = (metadata?: Record<string, string>) => writeFileSync(file, tinyNchwClassifier({ channels: 3, size: 8, weights: [[1, -1], [-1, 1], [0, 0]], ...(metadata ? { metadata } : {}) }));
      model();
      expect(resolveOnnxSpec(file).spec).toMatchObject({ resize: 'bilinear', crop: 'none', letterbox: false });
      writeFileSync(join(t.dir, 'm.json'), JSON.stringify({ resize: 'lanczos', crop: 'center' }));
      expect(resolveOnnxSpec(file).spec).toMatchObject({ resize: 'lanczos', crop: 'center', letterbox: false });
      expect(resolveOnnxSpec(file, { resize: 'area', crop: 'none', letterbox: true }).spec).toMatchObject({ resize: 'area', crop: 'none', letterbox: true });
      writeFileSync(join(t.dir, 'm.json'), JSON.stringify({ resize: 'bicubic' }));
      expect(() => resolveOnnxSpec(file)).toThrow(/m\.json: "resize" must be one of "bilinear", "nearest", "area", "lanczos", "sharp" \(got "bicubic"\)/);
      writeFileSync(join(t.dir, 'm.json'), JSON.stringify({ crop: 'middle' }));
      expect(() => resolveOnnxSpec(file)).toThrow(/"crop" must be one of "none", "center" \(got "middle"\)/);
      writeFileSync(join(t.dir, 'm.json'), JSON.stringify({ letterbox: 'yes' }));
      expect(() => resolveOnnxSpec(file)).toThrow(/"letterbox" must be true or false/);
      writeFileSync(join(t.dir, 'm.json'), JSON.stringify({ resize: 'sharp', letterbox: true }));
      expect(() => resolveOnnxSpec(file)).toThrow(/resize "sharp" stretches/);
      writeFileSync(join(t.dir, 'm.json'), JSON.stringify({ crop: 'center', letterbox: true }));
      expect(() => resolveOnnxSpec(file)).toThrow(/cannot both apply/);
      writeFileSync(join(t.dir, 'm.json'), '{}');
      expect(() => resolveOnnxSpec(file, { resize: 'cubic' as never })).toThrow(/--resize must be one of/);
      // ONNX metadata: read under the same names; a bad value names the metadata key.
      model({ resize: 'nearest', crop: 'center' });
      expect(resolveOnnxSpec(file).spec).toMatchObject({ resize: 'nearest', crop: 'center', letterbox: false });
      model({ resize: 'linear' });
      expect(() => resolveOnnxSpec(file)).toThrow(/the ONNX metadata "resize" must be one of/);
      // Apprentice's own exports without the key were trained on sharp-resized pixels; Ultralytics' are letterboxed.
      model({ apprentice_version: '0.1.0' });
      expect(resolveOnnxSpec(file).spec).toMatchObject({ resize: 'sharp', letterbox: false });
      model({ author: 'Ultralytics', names: "{0: 'a', 1: 'b'}" });
      expect(resolveOnnxSpec(file).spec).toMatchObject({ resize: 'bilinear', letterbox: true });
    } finally {
      t.cleanup();
    }
  });

  test("an exported student records the training engine's resize (sharp), uncropped, not letterboxed", () => {
    const props = metadataProps({ id: 'm', classes: ['a'], input: { height: 8, width: 8, channels: 3, scale: 1 / 255 } }, { height: 8, width: 8, channels: 3, layout: 'nhwc', scale: 1 / 255 }, false, '0.0.0');
    expect(props).toMatchObject({ resize: 'sharp', crop: 'none', letterbox: 'false' });
  });
});

/** A PyTorch-style teacher: NCHW [batch, 3, 4, 4] -> Flatten -> Gemm: logit 0 weighs every pixel, logit 1 is 0. */
const WEIGHTS = [1, -1, 0.5, 0, -0.5, 2, -2, 1, 0, 1, -1, 0.5, 1.5, 0, -1, 0.25];
function pixelLinearTeacher(): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.reserve('input');
  g.reserve('logits');
  g.declare('input', 'input', 'float32', ['batch', 3, 4, 4]);
  const flat = g.op('Flatten', ['input'], 'flat', { axis: 1 });
  const w = new Float32Array(48 * 2);
  for (let c = 0; c < 3; c++) for (let p = 0; p < 16; p++) w[(c * 16 + p) * 2] = WEIGHTS[p]! * (c + 1);
  g.rename(g.op('Gemm', [flat, g.floats('w', [48, 2], w), g.floats('b', [2], new Float32Array(2))], 'gemm'), 'logits');
  g.declare('output', 'logits', 'float32', ['batch', 2]);
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'pytorch', graph: g.toGraph('torch-like') });
  return onnx.ModelProto.encode(model).finish();
}

/** Logit 0 of the teacher for 4x4 gray pixels fed as RGB with ImageNet normalisation. */
function logit(pixels: number[]): number {
  let sum = 0;
  for (let c = 0; c < 3; c++) for (let p = 0; p < 16; p++) sum += WEIGHTS[p]! * (c + 1) * ((pixels[p]! / 255 - IMAGENET.mean[c]!) / IMAGENET.std[c]!);
  return sum;
}

async function project(classes: string[], task?: 'detect') {
  const t = tempDir();
  const service = new CheckedService({ transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  await service.invoke('project.create', { dir: join(t.dir, 'p'), classes, ...(task ? { task } : {}) });
  const run = async (input: never) => service.waitForJob((await service.invoke('jobs.start', input)).jobId);
  return { t, service, run };
}

describe('teachers fed as PyTorch fed them', () => {
  test('a torchvision-style RGB teacher (ImageNet mean/std) on gray images pseudo-labels from the Pillow-resized pixels', async () => {
    const { t, service, run } = await project(['a', 'b']);
    mkdirSync(join(t.dir, 'pool'));
    // The checkerboard and its mirror image, 2x2 gray PNGs enlarged to the 4x4 input.
    const images = { 'checker.png': [0, 255, 255, 0], 'mirror.png': [255, 0, 0, 255] };
    for (const [name, px] of Object.entries(images)) await sharp(Buffer.from(px), { raw: { width: 2, height: 2, channels: 1 } }).png().toFile(join(t.dir, 'pool', name));
    await run({ kind: 'import', input: { paths: [join(t.dir, 'pool')], format: 'folder', split: 'unlabeled' } } as never);
    const file = join(t.dir, 'teacher.onnx');
    writeFileSync(file, pixelLinearTeacher());
    writeFileSync(join(t.dir, 'teacher.json'), JSON.stringify({ classes: ['a', 'b'], ...IMAGENET }));
    const job = await run({ kind: 'pseudo-label', input: { teacher: file, temperature: 1 } } as never);
    expect((job.result as PseudoLabelResult).labeled).toBe(2);
    const reference = { 'checker.png': CHECKER_4X4.flat(), 'mirror.png': CHECKER_4X4.map((row) => [...row].reverse()).flat() };
    // What sharp's own resize gives instead: the logits move by far more than rounding would.
    const bySharp = async (px: number[]) => Array.from(await sharp(Buffer.from(px), { raw: { width: 2, height: 2, channels: 1 } }).resize(4, 4, { fit: 'fill' }).raw().toBuffer());
    const queue = (await service.invoke('review.queue', { order: 'class', limit: 10 })).items;
    const page = await service.invoke('images.list', { limit: 10 });
    for (const [name, px] of Object.entries(images)) {
      const id = page.items.find((i) => i.fileName === name)!.id;
      const item = queue.find((q) => q.imageId === id)!;
      const l = logit(reference[name as keyof typeof reference]);
      const pA = 1 / (1 + Math.exp(-l));
      expect(item.soft![0]).toBeCloseTo(pA, 5);
      expect(Math.abs(logit(await bySharp(px)) - l)).toBeGreaterThan(0.05);
    }
  });

  test('a letterboxed detector (Ultralytics) maps its boxes back through the padding exactly', async () => {
    const { t, service, run } = await project(['thing'], 'detect');
    mkdirSync(join(t.dir, 'pool'));
    await sharp({ create: { width: 100, height: 50, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png().toFile(join(t.dir, 'pool', 'wide.png'));
    await run({ kind: 'import', input: { paths: [join(t.dir, 'pool')], format: 'folder', split: 'unlabeled' } } as never);
    // One constant YOLOv5 box in input pixels: centre (32, 24), 32 x 16, objectness 0.9, class 0.9.
    const file = join(t.dir, 'yolo.onnx');
    writeFileSync(file, tinyMeanAffine({ channels: 3, size: 64, dims: [1, 6], bias: [32, 24, 32, 16, 0.9, 0.9], scale: [0, 0, 0, 0, 0, 0], metadata: { author: 'Ultralytics', names: "{0: 'thing'}" } }));
    const job = await run({ kind: 'pseudo-label', input: { teacher: file } } as never);
    expect(job.error).toBeNull();
    const [image] = (await service.invoke('images.list', { limit: 1 })).items;
    const boxes = (await service.invoke('images.get', { id: image!.id })).annotations.filter((a) => a.kind === 'box');
    // 100x50 letterboxed into 64x64: 64x32 at top 16. Image u = (x - 0) / 64, v = (y - 16) / 32:
    // centre (0.5, 0.25), size 0.5 x 0.5 -> x 0.25, y 0, w 0.5, h 0.5 (stretched, it would be y 0.25, h 0.25).
    expect(boxes).toHaveLength(1);
    const g = boxes[0]!.geometry as { x: number; y: number; w: number; h: number };
    expect([g.x, g.y, g.w, g.h].map((v) => Number(v.toFixed(6)))).toEqual([0.25, 0, 0.5, 0.5]);
    expect(boxes[0]!.confidence).toBeCloseTo(0.81, 5);
  });
});

/** A python3 with torchvision (the reference for Resize + CenterCrop; skipped without it): on PATH, or Debian's. */
const PYTHON = [process.env.PYTHON, 'python3', '/usr/bin/python3'].find((py) => {
  if (!py) return false;
  try {
    execFileSync(py, ['-c', 'import torchvision, PIL'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});

const TV_SCRIPT = `
import sys
from PIL import Image
from torchvision import transforms
for spec in sys.argv[1:]:
    path, w, h, s, cw, ch = spec.split(',')
    im = Image.frombytes('L', (int(w), int(h)), open(path, 'rb').read())
    t = transforms.Compose([transforms.Resize(int(s)), transforms.CenterCrop((int(ch), int(cw)))])
    open(path + '.out', 'wb').write(t(im).tobytes())
`;

describe.skipIf(!PYTHON)("against torchvision's Resize + CenterCrop (python3 at run time)", () => {
  test('crop "center" gives the bytes torchvision gives', () => {
    const t = tempDir();
    try {
      const cases: [number, number, number, number][] = [[28, 41, 24, 24], [45, 30, 24, 24], [300, 200, 224, 224], [64, 80, 33, 33], [50, 50, 17, 17]];
      const specs = cases.map(([w, h, cw, ch], i) => {
        const data = Uint8Array.from({ length: w * h }, (_, j) => (j * 37 + (j % w) * 11) & 255);
        const path = join(t.dir, `c${i}.raw`);
        writeFileSync(path, data);
        const s = w <= h ? cw : ch; // square crops: Resize(size) is what our placement picks
        return { path, data, w, h, cw, ch, arg: `${path},${w},${h},${s},${cw},${ch}` };
      });
      execFileSync(PYTHON!, ['-c', TV_SCRIPT, ...specs.map((s) => s.arg)]);
      for (const s of specs) {
        const got = toModelInput({ data: s.data, width: s.w, height: s.h, channels: 1 }, s.cw, s.ch, 1, { resize: 'bilinear', crop: 'center', letterbox: false });
        expect(Array.from(got.pixels)).toEqual(Array.from(readFileSync(`${s.path}.out`)));
      }
    } finally {
      t.cleanup();
    }
  });
});
