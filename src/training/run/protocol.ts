import type { InputSpec } from '../data/input-spec';
import type { RunOutcome } from './run-training';
import type { TrainOptions } from './options';

export type ToTrainer =
  | { type: 'start'; projectDir: string; databaseFile: string; input: InputSpec; options: TrainOptions }
  | { type: 'cancel' };

export type FromTrainer =
  | { type: 'progress'; update: { phase: string; step: number; total: number; metrics?: Record<string, number>; message?: string } }
  | { type: 'done'; outcome: RunOutcome }
  | { type: 'error'; code: string; message: string; details?: unknown };
