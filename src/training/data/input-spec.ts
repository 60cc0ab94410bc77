import { AppError } from '../../api/errors';
import { join } from 'node:path';
import sharp from 'sharp';
import type Database from 'better-sqlite3';
import { firstImageSizes, getSetting, setSetting } from '../../store';

/** The size and channels every image is resized to before it reaches a model. */
export interface InputSpec {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Images sampled to infer a project's input spec: enough to see the typical size and color. */
const SAMPLE = 200;
/** Inputs at most this many pixels on a side keep their own size (Fashion-MNIST's 28, CIFAR's 32...). */
const KEEP_NATIVE_UP_TO = 64;
/** Larger images are trained at this size by default: a CPU trains 96x96 in reasonable time. */
const DEFAULT_SIDE = 96;

/**
 * The project's input spec: the stored one, else inferred from its images and stored, so every
 * later run and model of the project agrees. Small images keep their median size; grayscale
 * projects train on one channel.
 */
export async function projectInputSpec(db: Database.Database, projectDir: string): Promise<InputSpec> {
  const stored = getSetting(db, 'input');
  if (stored) return JSON.parse(stored) as InputSpec;
  const rows = firstImageSizes(db, SAMPLE);
  if (!rows.length) throw new AppError('INVALID_INPUT', 'The project has no images yet: import some before training.');
  const sides = rows.map((r) => Math.min(r.width, r.height)).sort((a, b) => a - b);
  const median = sides[Math.floor(sides.length / 2)]!;
  const side = median <= KEEP_NATIVE_UP_TO ? median : DEFAULT_SIDE;
  let gray = true;
  for (const r of rows.slice(0, 50)) {
    const meta = await sharp(join(projectDir, r.media_path)).metadata();
    if ((meta.channels ?? 3) >= 3 && meta.space !== 'b-w') {
      gray = false;
      break;
    }
  }
  const spec: InputSpec = { height: side, width: side, channels: gray ? 1 : 3 };
  setSetting(db, 'input', JSON.stringify(spec));
  return spec;
}
