/**
 * A small three-color dataset (red, green, blue 16x16 noisy PNGs) and a hand-built ONNX teacher
 * that tells them apart, for the CLI loop test and its repeat-run bench.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { tinyNchwClassifier } from './onnx-models';

export const COLOR_CLASSES = ['red', 'green', 'blue'] as const;
const CHANNELS = { red: [0, 1, 2], green: [1, 0, 2], blue: [2, 0, 1] } as const;

/** A 16x16 RGB PNG, noisy, whose first listed channel is bright and the other two dark. */
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

/**
 * root/labeled/{train,test}/<class>/*.png (30 per class, every fifth in test: 18 test images)
 * and root/pool/p-<class>-<i>.png (30 per class, to import as unlabeled).
 */
export async function writeColorDataset(root: string): Promise<void> {
  let seed = 7;
  for (const name of COLOR_CLASSES) {
    for (let i = 0; i < 30; i++) await colorPng(join(root, 'labeled', i % 5 === 0 ? 'test' : 'train', name, `${name}-${i}.png`), CHANNELS[name], seed++);
    for (let i = 0; i < 30; i++) await colorPng(join(root, 'pool', `p-${name}-${i}.png`), CHANNELS[name], 10_000 + seed++);
  }
}

/** A third-party-style classifier file: channel means -> logits (red, green, blue); no class names inside. */
export function writeColorTeacher(file: string): void {
  writeFileSync(file, tinyNchwClassifier({ channels: 3, size: 16, weights: [[10, -5, -5], [-5, 10, -5], [-5, -5, 10]] }));
}
