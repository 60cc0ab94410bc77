/**
 * Train the box student on the project's boxes, on the backend the engine selects: a seeded
 * shuffle, horizontal flips that flip the boxes too, Adam, the validation mAP after each epoch
 * (the best epoch's weights are kept), a cancel checked between batches, and the final numbers on
 * the test split (validation when there is none). Saves the model in models/<id>/.
 */
import { randomBytes } from 'node:crypto';
import { pathInside } from '../../store';
import * as tf from '@tensorflow/tfjs';
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import { selectTrainingBackend } from '../backend';
import { createRng } from '../augment/rng';
import { detectionData, type DetectionImage } from './data';
import { DEFAULT_DECODE } from './decode';
import { evaluateDetections, type DetectionEvaluation } from './evaluate';
import { saveDetector, PROJECT_DETECTOR_ARCH } from './files';
import { detectBoxes, detectorPixels } from './predict';
import { detectionLoss } from './loss';
import { buildDetector, DETECTOR_STRIDE, gridSize } from './model';
import { encodeTargets, flipBoxes, flipImageInPlace, targetChannels } from './targets';

export interface DetectorTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Square input side; default: the project's images up to 64 px keep their size, larger ones 128. */
  inputSize: number | null;
  /** Also learn from a teacher's pending boxes scoring at least this (their score is the objectness target). */
  pendingAbove: number | null;
  seed: number;
  /** Dropout in the head: the noise of noisy-student training. */
  dropout: number;
  /** Horizontal flip augmentation (the boxes flip with the image). */
  flip: boolean;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorTrainOptions = {
  epochs: 30, batchSize: 16, learningRate: 0.002, inputSize: null, pendingAbove: null, seed: 42, dropout: 0.1, flip: true,
};

export interface DetectorEpoch {
  epoch: number;
  loss: number;
  valMap: number;
  seconds: number;
}

export interface DetectorOutcome {
  modelId: string;
  runId: string;
  arch: typeof PROJECT_DETECTOR_ARCH;
  backend: string;
  classes: string[];
  input: { height: number; width: number; channels: 1 | 3 };
  params: number;
  history: DetectorEpoch[];
  bestEpoch: number;
  evaluation: DetectionEvaluation & { split: 'test' | 'val' };
  data: { train: number; val: number; test: number; boxes: number; pendingBoxes: number };
  trainingSeconds: number;
  /** The batch loop's images/s. */
  imagesPerSecond: number;
  /** Images trained over the whole run's wall time (trainingSeconds). */
  wallImagesPerSecond: number;
  trainedImages: number;
  options: DetectorTrainOptions;
}

export interface DetectorRunContext {
  signal: AbortSignal;
  /** Date.now() when the run was asked for (the engine worker's start-up and data loading count in its wall time); default: when it starts. */
  startedAt?: number;
  onProgress(update: { phase: string; step: number; total: number; metrics?: Record<string, number>; message?: string }): void;
}

/** The input side for a project whose images are `side` pixels (the project's input spec). */
export function defaultDetectorInputSize(side: number): number {
  if (side > 64) return 128;
  return Math.max(2 * DETECTOR_STRIDE, Math.ceil(side / DETECTOR_STRIDE) * DETECTOR_STRIDE);
}

const cancelled = () => new AppError('CANCELLED', 'Training the detector was cancelled.');

export async function trainDetector(
  db: Database.Database,
  projectDir: string,
  project: { height: number; width: number; channels: 1 | 3 },
  options: DetectorTrainOptions,
  ctx: DetectorRunContext,
): Promise<DetectorOutcome> {
  const runStarted = ctx.startedAt ?? Date.now();
  const info = await selectTrainingBackend();
  const side = options.inputSize ?? defaultDetectorInputSize(Math.min(project.height, project.width));
  if (side % DETECTOR_STRIDE !== 0) throw new AppError('INVALID_INPUT', `The detector's input size must be a multiple of ${DETECTOR_STRIDE}.`);
  const channels = project.channels;
  const { classes, images } = detectionData(db, options.pendingAbove);
  if (!classes.length) throw new AppError('INVALID_INPUT', 'Training a detector needs at least one class in the project.');
  const rng = createRng(options.seed);
  let train = images.filter((i) => i.split === 'train' || i.split === 'unlabeled');
  let val = images.filter((i) => i.split === 'val');
  const test = images.filter((i) => i.split === 'test');
  if (!train.length) throw new AppError('INVALID_INPUT', 'There are no images with boxes in the train split: draw boxes on some images, or accept some pseudo boxes.');
  if (!val.length && train.length >= 10) {
    // No validation split: hold out a seeded sixth of the training images to choose the best epoch.
    const order = rng.permutation(train.length);
    const held = new Set(Array.from(order.subarray(0, Math.max(1, Math.round(train.length / 6)))));
    val = train.filter((_, i) => held.has(i));
    train = train.filter((_, i) => !held.has(i));
  }
  const evalImages = test.length ? test : val;
  const evalSplit: 'test' | 'val' = test.length ? 'test' : 'val';

  ctx.onProgress({ phase: 'loading images', step: 0, total: images.length });
  const load = async (list: DetectionImage[]) => detectorPixels(projectDir, list, side, channels, ctx.signal);
  const [trainPx, valPx, evalPx] = [await load(train), await load(val), test.length ? await load(test) : null];
  if (ctx.signal.aborted) throw cancelled();

  const numClasses = classes.length;
  const grid = gridSize(side);
  const tch = targetChannels(numClasses);
  const size = side * side * channels;
  const model = buildDetector({ inputSize: side, channels, numClasses, dropout: options.dropout, seed: options.seed });
  const optimizer = tf.train.adam(options.learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const batches = Math.ceil(train.length / options.batchSize);
  const history: DetectorEpoch[] = [];
  let best: { epoch: number; map: number; weights: tf.Tensor[] } | null = null;
  let trainSeconds = 0;
  let trainedImages = 0;
  const valTruth = val.map((i) => i.boxes.map((b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, classIndex: b.classIndex })));
  const mapOf = (px: Uint8Array[], truth: typeof valTruth) =>
    evaluateDetections(detectBoxes(model, px, side, channels, numClasses, { ...DEFAULT_DECODE, scoreThreshold: 0.01 }), truth, classes, { scoreThreshold: DEFAULT_DECODE.scoreThreshold });

  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const order = rng.permutation(train.length);
      const epochStart = performance.now();
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        if (ctx.signal.aborted) throw cancelled();
        const idx = order.subarray(b * options.batchSize, Math.min(train.length, (b + 1) * options.batchSize));
        const n = idx.length;
        const x = new Float32Array(n * size);
        const y = new Float32Array(n * grid * grid * tch);
        idx.forEach((k, i) => {
          const px = trainPx[k]!;
          for (let j = 0; j < size; j++) x[i * size + j] = px[j]! / 255;
          let boxes = train[k]!.boxes;
          if (options.flip && rng.bernoulli(0.5)) {
            flipImageInPlace(x, side, side, channels, i * size);
            boxes = flipBoxes(boxes);
          }
          encodeTargets(boxes, grid, numClasses, y, i * grid * grid * tch);
        });
        const xt = tf.tensor4d(x, [n, side, side, channels]);
        const yt = tf.tensor4d(y, [n, grid, grid, tch]);
        const cost = optimizer.minimize(() => detectionLoss(model.apply(xt, { training: true }) as tf.Tensor4D, yt, numClasses).total, true, variables);
        const loss = (await cost!.data())[0]!;
        tf.dispose([xt, yt, cost!]);
        lossSum += loss * n;
        trainedImages += n;
        ctx.onProgress({ phase: 'training', step: epoch * batches + b + 1, total: options.epochs * batches, metrics: { epoch: epoch + 1, loss } });
        // Let the cancel message in between batches.
        await new Promise((r) => setImmediate(r));
      }
      trainSeconds += (performance.now() - epochStart) / 1000;
      const valMap = val.length ? mapOf(valPx, valTruth).map : 0;
      const record = { epoch: epoch + 1, loss: lossSum / train.length, valMap, seconds: (performance.now() - epochStart) / 1000 };
      history.push(record);
      if (val.length && (!best || valMap > best.map)) {
        best?.weights.forEach((w) => w.dispose());
        best = { epoch: epoch + 1, map: valMap, weights: model.getWeights().map((w) => w.clone()) };
      }
      ctx.onProgress({ phase: 'training', step: (epoch + 1) * batches, total: options.epochs * batches, metrics: { epoch: epoch + 1, loss: record.loss, valMap } });
    }
    if (best) model.setWeights(best.weights);

    ctx.onProgress({ phase: 'evaluating', step: 0, total: evalImages.length });
    const evalTruth = evalImages.map((i) => i.boxes.map((b) => ({ x: b.x, y: b.y, w: b.w, h: b.h, classIndex: b.classIndex })));
    const evaluation = evalImages.length ? mapOf(evalPx ?? valPx, evalTruth) : mapOf(trainPx, train.map((i) => i.boxes.map((b) => ({ ...b }))));

    const modelId = `detector-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const runId = `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    await saveDetector(pathInside(projectDir, ['models'], modelId, 'model id'), model, { inputSize: side, channels, grid, classes, decode: { ...DEFAULT_DECODE, maxBoxes: DEFAULT_DECODE.maxBoxes ?? 100 } }, { id: modelId, runId });
    const all = [...train, ...val, ...test];
    return {
      modelId, runId, arch: PROJECT_DETECTOR_ARCH, backend: info.name, classes,
      input: { height: side, width: side, channels },
      params: model.countParams(),
      history,
      bestEpoch: best?.epoch ?? options.epochs,
      evaluation: { ...evaluation, split: evalImages.length ? evalSplit : 'val' },
      data: {
        train: train.length, val: val.length, test: test.length,
        boxes: all.reduce((s, i) => s + i.boxes.length, 0),
        pendingBoxes: all.reduce((s, i) => s + i.boxes.filter((b) => b.objectness < 1).length, 0),
      },
      ...wallSpeed(trainedImages, runStarted),
      imagesPerSecond: trainSeconds > 0 ? trainedImages / trainSeconds : 0,
      trainedImages,
      options: { ...options, inputSize: side },
    };
  } finally {
    best?.weights.forEach((w) => w.dispose());
    optimizer.dispose();
    model.dispose();
  }
}

/** The whole run's seconds, from when it was asked for, and the images it trained per second of them. */
function wallSpeed(trainedImages: number, runStarted: number): { trainingSeconds: number; wallImagesPerSecond: number } {
  const trainingSeconds = (Date.now() - runStarted) / 1000;
  return { trainingSeconds, wallImagesPerSecond: trainingSeconds > 0 ? trainedImages / trainingSeconds : 0 };
}
