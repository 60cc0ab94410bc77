/**
 * The 'train-detector' job, on the main thread: train the box student in the engine worker, then
 * record it as a model of the project (kind 'trained', arch 'detector') with its mAP, per-class
 * AP and classes, so it shows in models.list and can pre-label boxes as a teacher.
 */
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ClassScore, ModelMetrics } from '../../api/types';
import type { JobContext } from '../../jobs/types';
import { insertModel, withWriteLock } from '../../store';
import { projectInputSpec } from '../data/input-spec';
import { runInWorker } from '../run/train-job';
import type { DetectorOutcome, DetectorTrainOptions } from './train';

export interface DetectorTrainResult {
  modelId: string;
  backend: string;
  epochs: number;
  metrics: ModelMetrics;
  imagesPerSecond: number;
  wallImagesPerSecond: number;
  trainingSeconds: number;
  trainedImages: number;
  data: DetectorOutcome['data'];
}

export function detectorMetrics(o: DetectorOutcome): ModelMetrics {
  const e = o.evaluation;
  const perClass: ClassScore[] = e.perClass.map((c) => ({
    name: c.name, precision: c.precision, recall: c.recall, support: c.support,
    f1: c.precision + c.recall > 0 ? (2 * c.precision * c.recall) / (c.precision + c.recall) : 0,
  }));
  return {
    accuracy: e.map,
    loss: o.history.at(-1)?.loss ?? 0,
    perClass,
    split: e.split,
    detection: { map: e.map, iouThreshold: e.iouThreshold, scoreThreshold: e.scoreThreshold, precision: e.precision, recall: e.recall, perClass: e.perClass, images: e.images },
  };
}

/** Record a trained box student as a model of the project. */
export function recordDetector(db: Database.Database, o: DetectorOutcome): DetectorTrainResult {
  const metrics = detectorMetrics(o);
  insertModel(db, {
    id: o.modelId,
    name: `detector ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
    arch: o.arch,
    kind: 'trained',
    path: join('models', o.modelId),
    classes: o.classes,
    metrics,
    backend: o.backend,
    params: o.params,
    trainingSeconds: o.trainingSeconds,
    imagesPerSecond: o.imagesPerSecond,
    wallImagesPerSecond: o.wallImagesPerSecond,
    details: {
      history: o.history.map((h) => ({ epoch: h.epoch, loss: h.loss, accuracy: h.valMap, valAccuracy: h.valMap, learningRate: o.options.learningRate, imagesPerSecond: 0, seconds: h.seconds })),
      confusion: [], misclassified: [], options: { ...o.options, bestEpoch: o.bestEpoch, data: o.data }, search: null, input: o.input,
    },
  });
  return { modelId: o.modelId, backend: o.backend, epochs: o.history.length, metrics, imagesPerSecond: o.imagesPerSecond, wallImagesPerSecond: o.wallImagesPerSecond, trainingSeconds: o.trainingSeconds, trainedImages: o.trainedImages, data: o.data };
}

/** Train the box student of a project in the engine worker and record it. */
export async function trainDetectorJob(db: Database.Database, paths: { dir: string; database: string }, options: DetectorTrainOptions, ctx: JobContext): Promise<DetectorTrainResult> {
  const input = await projectInputSpec(db, paths.dir);
  const outcome = await runInWorker<DetectorOutcome>({ task: 'train-detector', projectDir: paths.dir, databaseFile: paths.database, input, options }, ctx);
  return withWriteLock(db, () => recordDetector(db, outcome));
}
