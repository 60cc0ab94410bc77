import sharp from 'sharp';
import type Database from 'better-sqlite3';
import { getImageRow } from '../store';
import { augmentPreview, createRng, parseAugmentList } from './augment';
import { imagePixels } from '../media';
import type { InputSpec } from './data/input-spec';

/**
 * What the model will see: one image of the project, at the training input size, augmented
 * `count` times with the given --augment list, as a PNG grid (a data URL the UI can show as is).
 */
export async function augmentationPreviewPng(
  db: Database.Database,
  projectDir: string,
  spec: InputSpec,
  imageId: number,
  augment: string,
  seed: number,
): Promise<string> {
  const row = getImageRow(db, imageId);
  const config = augment.trim() ? parseAugmentList(augment) : {};
  // Show it at least 96 px wide so a 28x28 project's preview is still legible.
  const side = Math.max(spec.width, 96);
  const shown: InputSpec = { height: Math.round((spec.height * side) / spec.width), width: side, channels: spec.channels };
  const px = await imagePixels(projectDir, row.media_path, row.sha256, shown);
  const data = Float32Array.from(px, (v) => v / 255);
  const grid = augmentPreview({ data, height: shown.height, width: shown.width, channels: shown.channels }, config, { count: 8, columns: 4, seed: createRng(seed).uint32() });
  const bytes = Buffer.from(Uint8Array.from(grid.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
  const png = await sharp(bytes, { raw: { width: grid.width, height: grid.height, channels: grid.channels as 1 | 3 } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
