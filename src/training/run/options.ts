import type { z } from 'zod';
import type { trainInputSchema } from '../../api/schemas';
import { parseAugmentList, type AugmentConfig } from '../augment';
import { parseSchedule, type Schedule } from '../optim/schedules';
import type { ArchitectureName } from '../models';
import { AppError } from '../../api/errors';

export type TrainOptions = z.output<typeof trainInputSchema>;

export interface ParsedTrainOptions {
  augment: AugmentConfig | null;
  schedule: Schedule;
}

/** Parse the text options once, up front, so a typo fails before any image is decoded. */
export function parseTrainOptions(o: TrainOptions): ParsedTrainOptions {
  let schedule: Schedule;
  try {
    schedule = parseSchedule(o.schedule);
  } catch (err) {
    throw new AppError('INVALID_INPUT', `--schedule: ${(err as Error).message}`);
  }
  return { augment: o.augment.trim() ? parseAugmentList(o.augment) : null, schedule };
}

/**
 * The augmentation a hyperparameter search means by "strength" s in [0, 1]: none at 0, then
 * flips, crops, small rotations and color jitter growing with s.
 */
export function augmentForStrength(s: number): AugmentConfig | null {
  if (s < 0.05) return null;
  const crop = Math.max(0.5, 1 - 0.4 * s).toFixed(2);
  return parseAugmentList(`flip,crop:${crop},rotate:${Math.round(15 * s)},color:${(0.3 * s).toFixed(2)}`);
}

export type { ArchitectureName };
