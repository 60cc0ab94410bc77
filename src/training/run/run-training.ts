import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../api/errors';
import type { ClassScore, ModelMetrics, SearchTrial } from '../../api/types';
import { writeFileAtomic } from '../../media/files';
import { pathInside } from '../../store';
import { selectTrainingBackend, type TrainingBackendInfo } from '../backend';
import type * as tf from '@tensorflow/tfjs';
import type { InputSpec } from '../data/input-spec';
import type Database from 'better-sqlite3';
import type { ProjectData, ProjectSplit } from '../data/project-data';
import { makePlan } from './plan';
import { saveOnnxBackbone } from './onnx-backbone-model';
import { evaluateClassification, evaluateMultiLabel, kfoldSplits, meanAndStd, multiLabelSummary, type Evaluation, type MultiLabelEvaluation } from '../evaluate';
import { binaryLossAndExactMatch } from '../losses/binary-cross-entropy';
import { hardLabels, lossAndAccuracy, predictProbabilities, subset, trainLoop, decodeCheckpoint, encodeCheckpoint, type Checkpoint, type EpochReport, type LoopConfig, type TensorData } from '../loop';
import { saveModelFiles } from '../model-files';
import { runSearch, trainingSearchSpace } from '../search';
import { createRng, formatAugmentConfig } from '../augment';
import { prewarmReplicaWorkers, releaseWarmReplicaWorkers } from '../parallel';
import { augmentForStrength, parseTrainOptions, type TrainOptions } from './options';

export interface RunContext {
  signal: AbortSignal;
  /** Date.now() when the run was asked for (the engine worker's start-up and data loading count in its wall time); default: when it starts. */
  startedAt?: number;
  onProgress(update: { phase: string; step: number; total: number; metrics?: Record<string, number>; message?: string }): void;
}

/** Everything a finished run hands back to be recorded in the project. */
export interface RunOutcome {
  modelId: string;
  runId: string;
  arch: string;
  backend: string;
  classes: string[];
  input: InputSpec;
  params: number;
  history: EpochReport[];
  metrics: ModelMetrics;
  confusion: number[][];
  misclassified: { imageId: number; trueClass: string; predictedClass: string; confidence: number }[];
  search: SearchTrial[] | null;
  /** Images/s of the batch loop (the engine's speed). */
  imagesPerSecond: number;
  /** Images trained (epochs x training images) over trainingSeconds, the whole run's wall time: what a user waits for. */
  wallImagesPerSecond: number;
  trainedImages: number;
  trainingSeconds: number;
  stoppedEarly: boolean;
  options: TrainOptions;
  /** A student's training data, for the Rounds view. */
  studentData: { human: number; pseudo: number } | null;
  /** Trained multi-label (a sigmoid per class, several classes per image): recorded in the model's details. */
  multiLabel?: true;
}

/** A validation set when the project has none: 10% of train (at least one image), chosen by the seed. */
function ensureValidation(data: ProjectData, seed: number): { train: ProjectSplit; val: ProjectSplit } {
  if (data.val.n > 0 || data.train.n < 10) return { train: data.train, val: data.val };
  const order = createRng(seed).permutation(data.train.n);
  const cut = Math.max(1, Math.round(data.train.n * 0.1));
  const pick = (idx: ArrayLike<number>): ProjectSplit => ({
    ...subset(data.train, idx),
    imageIds: Array.from(idx, (i) => data.train.imageIds[i]!),
  });
  return { val: pick(order.subarray(0, cut)), train: pick(order.subarray(cut)) };
}

function perClassScores(e: Evaluation | MultiLabelEvaluation): ClassScore[] {
  return e.perClass.map((c) => ({ name: c.name, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support }));
}

/**
 * One training run of a project, start to finish, on the fastest backend: load the labeled
 * images, optionally search hyperparameters and cross-validate, train with checkpoints, evaluate
 * on the test split, and save the model. Runs in whatever thread calls it (the job runner calls
 * it in a worker thread, so the app never waits on it).
 */
export async function runTraining(
  db: Database.Database,
  projectDir: string,
  projectInput: InputSpec,
  options: TrainOptions,
  ctx: RunContext,
  backend?: TrainingBackendInfo,
): Promise<RunOutcome> {
  const runStarted = ctx.startedAt ?? Date.now();
  const info = backend ?? (await selectTrainingBackend());
  // The replicas start now, while the images load (they take most of a second each to start).
  if (info.replicas > 1) prewarmReplicaWorkers(info.replicas - 1, { workerData: { backend: info.kind } });
  try {
    return await trainProject(db, projectDir, projectInput, options, ctx, info, runStarted);
  } finally {
    await releaseWarmReplicaWorkers();
  }
}

async function trainProject(
  db: Database.Database, projectDir: string, projectInput: InputSpec, options: TrainOptions, ctx: RunContext,
  info: TrainingBackendInfo, runStarted: number,
): Promise<RunOutcome> {
  const parsed = parseTrainOptions(options);
  const plan = await makePlan(db, projectDir, projectInput, options, ctx);
  const { data, input } = plan;
  const arch = plan.arch;
  if (data.classNames.length < 2) throw new AppError('INVALID_INPUT', 'Training needs at least two classes.');
  if (data.train.n === 0) throw new AppError('INVALID_INPUT', 'There are no labeled images in the train split.');
  const runId = options.resume ?? `run-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const runDir = pathInside(projectDir, ['models', 'runs'], runId, 'run id');
  const { train, val } = ensureValidation(data, options.seed);
  const build = plan.build;
  const multiLabel = plan.loss === 'sigmoid-binary-cross-entropy';
  // Validation score of search trials and folds: top-1 accuracy, or exact match for multi-label.
  const validationAccuracy = (model: tf.LayersModel, va: TensorData): number =>
    multiLabel
      ? binaryLossAndExactMatch(predictProbabilities(model, va, 256, 'sigmoid'), va.y, va.n, va.numClasses).accuracy
      : lossAndAccuracy(predictProbabilities(model, va), va.y, va.n, va.numClasses).accuracy;
  if (plan.loss === 'distillation' && options.kfold) {
    throw new AppError('UNSUPPORTED', '--kfold is not available for a distilled student: its pseudo-labeled images have no human labels to cross-validate on.');
  }
  if (plan.slowVariables && (options.search || options.kfold)) {
    // Every trial would start from the one backbone the previous trial had already changed.
    throw new AppError('UNSUPPORTED', 'Fine-tuning cannot be combined with --search or --kfold; use --mode frozen for those.');
  }
  const baseConfig: LoopConfig = {
    epochs: options.epochs,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    optimizer: options.optimizer,
    schedule: parsed.schedule,
    augment: plan.augments ? parsed.augment : null,
    earlyStopPatience: options.earlyStop,
    seed: options.seed,
    replicas: plan.singleThread ? 1 : info.replicas,
    ...(plan.loss ? { loss: plan.loss } : {}),
  };

  // One quiet training run (for search trials and folds): returns the model's validation accuracy.
  const trainQuietly = async (config: LoopConfig, tr: TensorData, va: TensorData, label: string): Promise<number> => {
    const model = build();
    try {
      await trainLoop(model, tr, va, config, {
        signal: ctx.signal,
        onBatch: (p) => ctx.onProgress({ phase: label, step: p.epoch * p.batches + p.batch, total: config.epochs * p.batches, metrics: { loss: p.loss } }),
      });
      return validationAccuracy(model, va);
    } finally {
      model.dispose();
    }
  };

  let search: SearchTrial[] | null = null;
  let config = baseConfig;
  if (options.search && !options.resume) {
    const result = await runSearch({
      space: trainingSearchSpace(),
      strategy: options.search,
      trials: options.trials,
      seed: options.seed,
      signal: ctx.signal,
      objective: (p, { trial }) =>
        trainQuietly(
          { ...baseConfig, learningRate: p.learningRate as number, batchSize: p.batchSize as number, optimizer: p.optimizer as LoopConfig['optimizer'], augment: plan.augments ? augmentForStrength(p.augmentStrength as number) : null },
          train, val, `search trial ${trial + 1}/${options.trials}`,
        ),
    });
    search = result.results.map((r) => ({ trial: r.index + 1, params: r.params as Record<string, number | string>, score: r.score }));
    if (result.best) {
      const p = result.best.params;
      config = { ...baseConfig, learningRate: p.learningRate as number, batchSize: p.batchSize as number, optimizer: p.optimizer as LoopConfig['optimizer'], augment: plan.augments ? augmentForStrength(p.augmentStrength as number) : null };
    }
  }

  let kfold: ModelMetrics['kfold'];
  if (options.kfold && !options.resume) {
    // Cross-validate on train+val together (stratified), then train the final model as usual.
    const all: TensorData = { ...train, x: concat(train.x, val.x), y: concat(train.y, val.y), n: train.n + val.n };
    const folds = kfoldSplits(all.n, options.kfold, options.seed, hardLabels(all));
    const accuracies: number[] = [];
    for (const [i, fold] of folds.entries()) {
      accuracies.push(await trainQuietly(config, subset(all, fold.train), subset(all, fold.test), `fold ${i + 1}/${folds.length}`));
    }
    const { mean, std } = meanAndStd(accuracies);
    kfold = { k: options.kfold, accuracies, mean, std };
  }

  const model = build();
  if (plan.slowVariables) config = { ...config, slowGroup: { variableNames: plan.slowVariables(model), lrFactor: options.backboneLrFactor } };
  const checkpointFile = join(runDir, 'checkpoint.bin');
  const resume: Checkpoint | undefined = options.resume && existsSync(checkpointFile) ? decodeCheckpoint(readFileSync(checkpointFile)) : undefined;
  ctx.onProgress({ phase: 'training', step: 0, total: config.epochs, message: `Training ${arch} on ${info.name}` });
  let trainedImages = 0;
  let batchLoopSeconds = 0;
  const loop = await trainLoop(model, train, val, config, {
    signal: ctx.signal,
    onBatch: (p) =>
      ctx.onProgress({
        phase: 'training', step: p.epoch * p.batches + p.batch, total: config.epochs * p.batches,
        metrics: { epoch: p.epoch + 1, loss: p.loss, imagesPerSecond: p.imagesPerSecond }, message: `Training ${arch} on ${info.name}`,
      }),
    onEpoch: (r) => {
      trainedImages += train.n;
      batchLoopSeconds += r.seconds;
      ctx.onProgress({
        phase: 'epoch', step: r.epoch, total: config.epochs,
        metrics: { epoch: r.epoch, loss: r.loss, accuracy: r.accuracy, ...(r.valLoss !== undefined ? { valLoss: r.valLoss } : {}), ...(r.valAccuracy !== undefined ? { valAccuracy: r.valAccuracy } : {}), imagesPerSecond: r.imagesPerSecond },
        message: `Training ${arch} on ${info.name}`,
      });
    },
    onCheckpoint: (ck) => writeFileAtomic(checkpointFile, encodeCheckpoint(ck)),
  }, resume);
  if (loop.cancelled) {
    model.dispose();
    throw new AppError('CANCELLED', `Training was cancelled after ${loop.history.length} epochs; resume it with --resume ${runId}.`, { runId, epochs: loop.history.length });
  }

  // The batch loop's rate and the whole run's, evaluation and saving included (read when the run ends).
  const speeds = () => {
    const wall = (Date.now() - runStarted) / 1000;
    return {
      imagesPerSecond: batchLoopSeconds > 0 ? trainedImages / batchLoopSeconds : 0,
      wallImagesPerSecond: wall > 0 ? trainedImages / wall : 0,
      trainedImages,
      trainingSeconds: wall,
    };
  };

  // Evaluate on the test split (validation when there is no test split).
  const evalSplit = data.test.n > 0 ? data.test : val.n > 0 ? val : train;
  const splitName = data.test.n > 0 ? 'test' : 'val';
  ctx.onProgress({ phase: 'evaluating', step: 0, total: evalSplit.n });
  // Recorded as trained: after a search, the winning trial's settings replace the ones asked for.
  const recordedOptions = (): TrainOptions => ({
    ...options,
    resume: runId,
    learningRate: config.learningRate,
    batchSize: config.batchSize,
    optimizer: config.optimizer,
    augment: config.augment ? formatAugmentConfig(config.augment) : '',
  });
  if (multiLabel) {
    return finishMultiLabelRun({
      model, plan, evalSplit, splitName, projectDir, runId, kfold,
      common: {
        runId, arch, backend: info.name, classes: data.classNames, input, history: loop.history, search,
        ...speeds(),
        stoppedEarly: loop.stoppedEarly, options: recordedOptions(), studentData: plan.studentCounts ?? null,
      },
    });
  }
  const probs = predictProbabilities(model, evalSplit);
  const truth = hardLabels(evalSplit);
  const evaluation = evaluateClassification(truth, probs, data.classNames, { topK: Math.min(5, data.classNames.length) });
  const { loss } = lossAndAccuracy(probs, evalSplit.y, evalSplit.n, evalSplit.numClasses);

  const modelId = `${arch.split(' ')[0]}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const finalModel = plan.finalize(model);
  const modelDir = pathInside(projectDir, ['models'], modelId, 'model id');
  if (plan.onnxBackbone) await saveOnnxBackbone(modelDir, plan.onnxBackbone.file, plan.onnxBackbone.spec);
  await saveModelFiles(modelDir, finalModel, {
    id: modelId, arch, classes: data.classNames, input: { ...input, layout: 'nhwc', scale: 1 / 255 },
    createdAt: new Date().toISOString(), trainingRunId: runId,
  });
  const params = finalModel.countParams();
  model.dispose();
  return {
    modelId, runId, arch, backend: info.name, classes: data.classNames, input, params,
    history: loop.history,
    metrics: {
      accuracy: evaluation.accuracy, loss, perClass: perClassScores(evaluation), topK: evaluation.topK, split: splitName,
      ...(kfold ? { kfold } : {}),
    },
    confusion: evaluation.confusion,
    misclassified: evaluation.misclassified.slice(0, 200).map((m) => ({
      imageId: (evalSplit as ProjectSplit).imageIds[m.index]!, trueClass: m.trueName, predictedClass: m.predictedName, confidence: m.confidence,
    })),
    search,
    ...speeds(),
    stoppedEarly: loop.stoppedEarly,
    options: recordedOptions(),
    studentData: plan.studentCounts ?? null,
  };
}

/** Evaluate, save and report a multi-label model: sigmoid probabilities, exact match, per-class scores at 0.5, no confusion matrix. */
async function finishMultiLabelRun(args: {
  model: tf.LayersModel; plan: Awaited<ReturnType<typeof makePlan>>; evalSplit: TensorData & { imageIds?: number[] }; splitName: 'test' | 'val';
  projectDir: string; runId: string; kfold: ModelMetrics['kfold']; common: Omit<RunOutcome, 'modelId' | 'params' | 'metrics' | 'confusion' | 'misclassified'>;
}): Promise<RunOutcome> {
  const { model, plan, evalSplit, splitName, projectDir, runId, kfold, common } = args;
  const classNames = plan.data.classNames;
  const probs = predictProbabilities(model, evalSplit, 256, 'sigmoid');
  const evaluation = evaluateMultiLabel(evalSplit.y, probs, classNames);
  const { loss } = binaryLossAndExactMatch(probs, evalSplit.y, evalSplit.n, evalSplit.numClasses);
  const modelId = `${plan.arch.split(' ')[0]}-${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const finalModel = plan.finalize(model);
  const modelDir = pathInside(projectDir, ['models'], modelId, 'model id');
  if (plan.onnxBackbone) await saveOnnxBackbone(modelDir, plan.onnxBackbone.file, plan.onnxBackbone.spec);
  await saveModelFiles(modelDir, finalModel, {
    id: modelId, arch: plan.arch, classes: classNames, input: { ...plan.input, layout: 'nhwc', scale: 1 / 255 },
    createdAt: new Date().toISOString(), trainingRunId: runId, multiLabel: true,
  });
  const params = finalModel.countParams();
  model.dispose();
  return {
    ...common,
    modelId, params,
    metrics: {
      accuracy: evaluation.exactMatch, loss, perClass: perClassScores(evaluation), split: splitName, multiLabel: multiLabelSummary(evaluation),
      ...(kfold ? { kfold } : {}),
    },
    confusion: [],
    misclassified: evaluation.misclassified.slice(0, 200).map((m) => ({
      imageId: evalSplit.imageIds![m.index]!, trueClass: m.trueNames.join(', '), predictedClass: m.predictedNames.join(', '), confidence: m.confidence,
    })),
    multiLabel: true,
  };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
