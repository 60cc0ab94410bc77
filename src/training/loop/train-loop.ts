import * as tf from '@tensorflow/tfjs';
import { augmentBatch, createRng, restoreRng, type AugmentConfig } from '../augment';
import { createOptimizer, learningRateAt, setLearningRate, type OptimizerName, type Schedule } from '../optim';
import { DataParallelGradients, type LossSpec } from '../parallel';
import type { Checkpoint, EpochReport, NamedArray } from './checkpoint';
import { classTargets, gatherRows, targetWidth, type TensorData } from './data';
import { lossAndAccuracy, predictProbabilities } from './predict';
import { binaryLossAndExactMatch } from '../losses/binary-cross-entropy';
import { correctInBatch } from './batch-score';

export interface LoopConfig {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  schedule: Schedule;
  augment: AugmentConfig | null;
  /** Stop when validation accuracy has not improved for this many epochs, and restore the best weights. */
  earlyStopPatience: number | null;
  seed: number;
  /** Threads computing gradients (data parallel); 1 = this thread only. */
  replicas: number;
  /** 'sigmoid-binary-cross-entropy' trains a multi-label model: accuracy is then exact match of the thresholded sigmoids. */
  loss?: LossSpec;
  /** Fine-tuning: these variables (the backbone's) learn at learningRate * lrFactor. */
  slowGroup?: { variableNames: ReadonlySet<string>; lrFactor: number };
}

export interface BatchProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number;
  imagesPerSecond: number;
}

export interface LoopCallbacks {
  signal: AbortSignal;
  onBatch?(p: BatchProgress): void;
  onEpoch?(r: EpochReport): void;
  /** Called after every epoch with the state to continue from; save it durably. */
  onCheckpoint?(ck: Checkpoint): Promise<void> | void;
}

export interface LoopResult {
  history: EpochReport[];
  bestEpoch: number;
  stoppedEarly: boolean;
  cancelled: boolean;
}

function snapshot(weights: tf.Tensor[] | { name: string; tensor: tf.Tensor }[], names?: string[]): NamedArray[] {
  return weights.map((w, i) => {
    const t = 'tensor' in w ? w.tensor : w;
    // Always float32 on disk: some slots are int32 (Adam's iteration count) and must not be reinterpreted.
    return { name: 'tensor' in w ? w.name : names![i]!, shape: t.shape, values: Float32Array.from(t.dataSync()) };
  });
}

function modelWeights(model: tf.LayersModel): NamedArray[] {
  return snapshot(model.getWeights(), model.weights.map((w) => w.originalName));
}

function restoreModel(model: tf.LayersModel, arrays: NamedArray[]): void {
  const tensors = arrays.map((a) => tf.tensor(a.values, a.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Loss and accuracy of the model on a (validation) dataset after an epoch: softmax CE and top-1, or for multi-label mean BCE and exact match. */
function epochMeasure(loss: LossSpec | undefined): (model: tf.LayersModel, data: TensorData) => { loss: number; accuracy: number } {
  if (loss === 'sigmoid-binary-cross-entropy') {
    return (model, data) => binaryLossAndExactMatch(predictProbabilities(model, data, 256, 'sigmoid'), data.y, data.n, data.numClasses);
  }
  return (model, data) => lossAndAccuracy(predictProbabilities(model, data), classTargets(data), data.n, data.numClasses);
}

/**
 * The training loop: shuffled mini-batches (seeded), augmentation on the fly, data-parallel
 * gradients, a learning-rate schedule, validation each epoch, early stopping with restore-best, a
 * checkpoint each epoch, and cooperative cancel at batch boundaries. Resuming from a checkpoint
 * continues with the same weights, optimizer slots and random stream, so the next step is the
 * one the uninterrupted run would have taken.
 */
export async function trainLoop(
  model: tf.LayersModel,
  train: TensorData,
  val: TensorData | null,
  config: LoopConfig,
  callbacks: LoopCallbacks,
  resume?: Checkpoint,
): Promise<LoopResult> {
  if (train.n === 0) throw new Error('there are no training images');
  const measure = epochMeasure(config.loss);
  const optimizer = createOptimizer(config.optimizer, config.learningRate);
  // A second optimizer for the slow group keeps its own slots and its own (lower) rate.
  const slowOptimizer = config.slowGroup ? createOptimizer(config.optimizer, config.learningRate * config.slowGroup.lrFactor) : null;
  const SLOW = 'slow:';
  const engine = await DataParallelGradients.create(model, { replicas: config.replicas, ...(config.loss ? { loss: config.loss } : {}) });
  let rng = createRng(config.seed);
  const history: EpochReport[] = [];
  let bestEpoch = -1;
  let bestScore = -Infinity;
  let bestWeights: NamedArray[] | null = null;
  let startEpoch = 0;

  try {
    if (resume) {
      restoreModel(model, resume.weights);
      // setWeights recreates the optimizer's slots (momenta, iteration count) from the saved values.
      const restoreSlots = async (opt: tf.Optimizer, arrays: NamedArray[]) => {
        if (arrays.length) await opt.setWeights(arrays.map((a) => ({ name: a.name, tensor: tf.tensor(a.values, a.shape) })));
      };
      await restoreSlots(optimizer, resume.optimizer.filter((a) => !a.name.startsWith(SLOW)));
      if (slowOptimizer) {
        await restoreSlots(slowOptimizer, resume.optimizer.filter((a) => a.name.startsWith(SLOW)).map((a) => ({ ...a, name: a.name.slice(SLOW.length) })));
      }
      rng = restoreRng(resume.rngState);
      history.push(...resume.history);
      bestEpoch = resume.bestEpoch;
      bestScore = resume.bestScore;
      bestWeights = resume.bestWeights;
      startEpoch = resume.epochsDone;
    }

    const batches = Math.ceil(train.n / config.batchSize);
    let stoppedEarly = false;
    for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
      const learningRate = learningRateAt(config.schedule, config.learningRate, epoch, config.epochs);
      setLearningRate(optimizer, learningRate);
      if (slowOptimizer) setLearningRate(slowOptimizer, learningRate * config.slowGroup!.lrFactor);
      const order = rng.permutation(train.n);
      const started = performance.now();
      let lossSum = 0;
      let correct = 0;
      for (let b = 0; b < batches; b++) {
        if (callbacks.signal.aborted) return { history, bestEpoch, stoppedEarly, cancelled: true };
        const idx = order.subarray(b * config.batchSize, Math.min(train.n, (b + 1) * config.batchSize));
        let { x, y } = gatherRows(train, idx);
        if (config.augment) {
          const batch = augmentBatch({ images: x, labels: y, n: idx.length, height: train.height, width: train.width, channels: train.channels }, config.augment, rng);
          x = batch.images;
          y = batch.labels;
        }
        const xt = tf.tensor4d(x, [idx.length, train.height, train.width, train.channels]);
        const yt = tf.tensor2d(y, [idx.length, targetWidth(train)]);
        const { loss, grads, logits } = await engine.computeGradients(xt, yt);
        correct += correctInBatch(logits, y, idx.length, train.numClasses, targetWidth(train), config.loss === 'sigmoid-binary-cross-entropy');
        if (slowOptimizer) {
          const slow: tf.NamedTensorMap = {};
          const fast: tf.NamedTensorMap = {};
          for (const [name, g] of Object.entries(grads)) (config.slowGroup!.variableNames.has(name) ? slow : fast)[name] = g;
          optimizer.applyGradients(fast);
          slowOptimizer.applyGradients(slow);
        } else {
          optimizer.applyGradients(grads);
        }
        tf.dispose([xt, yt, ...Object.values(grads)]);
        lossSum += loss * idx.length;
        const seen = Math.min(train.n, (b + 1) * config.batchSize);
        const elapsed = (performance.now() - started) / 1000;
        callbacks.onBatch?.({ epoch, batch: b + 1, batches, loss: lossSum / seen, imagesPerSecond: seen / Math.max(elapsed, 1e-9) });
      }
      const seconds = (performance.now() - started) / 1000;
      // Training accuracy over the epoch's batches as they were trained (see batch-score.ts): a
      // second pass over the training set cost ~15% of a small CNN's epoch and no PyTorch loop pays it.
      const accuracy = correct / train.n;
      const report: EpochReport = { epoch: epoch + 1, loss: lossSum / train.n, accuracy, learningRate, imagesPerSecond: train.n / seconds, seconds };
      if (val && val.n > 0) {
        const m = measure(model, val);
        report.valLoss = m.loss;
        report.valAccuracy = m.accuracy;
      }
      history.push(report);
      const score = report.valAccuracy ?? -report.loss;
      if (score > bestScore) {
        bestScore = score;
        bestEpoch = epoch + 1;
        if (config.earlyStopPatience !== null) bestWeights = modelWeights(model);
      }
      callbacks.onEpoch?.(report);
      if (config.earlyStopPatience !== null && epoch + 1 - bestEpoch >= config.earlyStopPatience) stoppedEarly = true;
      await callbacks.onCheckpoint?.({
        epochsDone: epoch + 1,
        rngState: rng.state(),
        history: [...history],
        bestEpoch,
        bestScore,
        weights: modelWeights(model),
        optimizer: [
          ...snapshot(await optimizer.getWeights()),
          ...(slowOptimizer ? snapshot(await slowOptimizer.getWeights()).map((a) => ({ ...a, name: SLOW + a.name })) : []),
        ],
        bestWeights,
      });
      if (stoppedEarly) break;
    }
    if (config.earlyStopPatience !== null && bestWeights) restoreModel(model, bestWeights);
    return { history, bestEpoch, stoppedEarly, cancelled: false };
  } finally {
    await engine.dispose();
    optimizer.dispose();
    slowOptimizer?.dispose();
  }
}
