/** Runs a whole AugmentConfig on a batch, in one fixed order. */
import { affine } from './affine.js';
import { checkBatch, type ImageBatch } from './batch.js';
import { colorJitter } from './color.js';
import type { AugmentConfig } from './config.js';
import { randomResizedCrop } from './crop.js';
import { cutMix } from './cutmix.js';
import { flipHorizontal } from './flip.js';
import { randAugment } from './randaugment.js';
import type { Rng } from './rng.js';
import { rotate } from './rotate.js';

/**
 * Applies the configured ops in this order: crop, flip, rotate, affine, randaugment, color,
 * cutmix. Geometry first (it resamples), tone after, and CutMix last so the pasted boxes come from
 * images that were augmented the same way as the one they land in.
 *
 * Each op draws from its own stream forked from `rng` (always all seven forks, in order), so turning
 * one op on or off leaves the random choices of the others unchanged for the same seed.
 * The input batch is never modified; the result is always a new batch.
 */
export function augmentBatch(batch: ImageBatch, config: AugmentConfig, rng: Rng): ImageBatch {
  checkBatch(batch);
  const streams = {
    crop: rng.fork(),
    flip: rng.fork(),
    rotate: rng.fork(),
    affine: rng.fork(),
    randaugment: rng.fork(),
    color: rng.fork(),
    cutmix: rng.fork(),
  };
  let out: ImageBatch = { ...batch, images: batch.images.slice(), labels: batch.labels.slice() };
  if (config.crop) out = randomResizedCrop(out, streams.crop, config.crop);
  if (config.flip) out = flipHorizontal(out, streams.flip, config.flip);
  if (config.rotate) out = rotate(out, streams.rotate, config.rotate);
  if (config.affine) out = affine(out, streams.affine, config.affine);
  if (config.randaugment) out = randAugment(out, streams.randaugment, config.randaugment);
  if (config.color) out = colorJitter(out, streams.color, config.color);
  if (config.cutmix) out = cutMix(out, streams.cutmix, config.cutmix);
  return out;
}
