import type { Split } from '../../api/types';
import type { InputSpec } from '../data/input-spec';
import type { SpecOverrides } from '../../inference/onnx-spec';
import type { TrainOptions } from './options';
import type { DetectorTrainOptions } from '../detect/train';

/** What the engine worker can be asked to do; each runs to one result. */
export type WorkerTask =
  | { task: 'train'; projectDir: string; databaseFile: string; input: InputSpec; options: TrainOptions }
  | { task: 'evaluate'; projectDir: string; databaseFile: string; model: string; split: Split }
  | { task: 'predict'; projectDir: string; databaseFile: string; model: string; split: Split | null; imageIds?: number[] }
  | ExportTask
  | { task: 'import-teacher'; projectDir: string; databaseFile: string; file: string; flags: SpecOverrides }
  | { task: 'detect'; projectDir: string; databaseFile: string; model: string; imageIds: number[]; thresholds: { scoreThreshold?: number; iouThreshold?: number } }
  | { task: 'train-detector'; projectDir: string; databaseFile: string; input: InputSpec; options: DetectorTrainOptions };

export type ExportTask = {
  task: 'export-model';
  projectDir: string;
  databaseFile: string;
  model: string;
  format: 'onnx' | 'tfjs';
  out: string;
  verify: boolean;
  baked: boolean;
  apprenticeVersion: string;
};

/** `startedAt`: Date.now() when the job asked for the worker, so a run's wall time includes the worker's start. */
export type ToWorker = ({ type: 'start'; startedAt: number } & WorkerTask) | { type: 'cancel' };

export type FromWorker =
  | { type: 'progress'; update: { phase: string; step: number; total: number; metrics?: Record<string, number>; message?: string } }
  | { type: 'done'; result: unknown }
  | { type: 'error'; code: string; message: string; details?: unknown };
