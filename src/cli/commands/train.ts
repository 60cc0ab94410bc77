import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { architectures, optimizers } from '../../api/schemas';
import type { TrainResult } from '../../api/types';
import type { Command } from '../command';
import { requireChoice } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';
import { ONNX_FILE_OPTIONS, teacherModel } from '../teacher-flags';

function num(flag: string, value: unknown, integer = false): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`--${flag} must be ${integer ? 'a whole number' : 'a number'} (got "${String(value)}")`);
  return n;
}


/** The run's speed as a user waited for it (the whole run), with the batch loop's beside it. */
function speed(r: Pick<TrainResult, 'wallImagesPerSecond' | 'imagesPerSecond' | 'trainedImages' | 'trainingSeconds'>): string {
  return `${r.trainedImages} images in ${r.trainingSeconds.toFixed(1)} s, ${Math.round(r.wallImagesPerSecond)} images/s (batch loop ${Math.round(r.imagesPerSecond)})`;
}

/** The train options shared by `train` and `self-train`, from flags. */
export function trainOptionsFromFlags(values: Record<string, string | boolean | undefined>) {
  return {
    ...(values.arch !== undefined ? { arch: requireChoice('arch', values.arch, architectures) } : {}),
    ...(values.epochs !== undefined ? { epochs: num('epochs', values.epochs, true)! } : {}),
    ...(values.batch !== undefined ? { batchSize: num('batch', values.batch, true)! } : {}),
    ...(values.lr !== undefined ? { learningRate: num('lr', values.lr)! } : {}),
    ...(values.optimizer !== undefined ? { optimizer: requireChoice('optimizer', values.optimizer, optimizers) } : {}),
    ...(typeof values.schedule === 'string' ? { schedule: values.schedule } : {}),
    ...(typeof values.augment === 'string' ? { augment: values.augment } : {}),
    ...(values['early-stop'] !== undefined ? { earlyStop: num('early-stop', values['early-stop'], true)! } : {}),
    ...(values.dropout !== undefined ? { dropout: num('dropout', values.dropout)! } : {}),
    ...(values.width !== undefined ? { widthMultiplier: num('width', values.width)! } : {}),
    ...(values.seed !== undefined ? { seed: num('seed', values.seed, true)! } : {}),
    ...(values.alpha !== undefined ? { alpha: num('alpha', values.alpha)! } : {}),
    ...(values.temperature !== undefined ? { temperature: num('temperature', values.temperature)! } : {}),
    ...(values['pending-above'] !== undefined ? { pendingAbove: num('pending-above', values['pending-above'])! } : {}),
  };
}

/** `train --arch detector`: a box student on the project's boxes (human, accepted, corrected). */
async function trainDetector({ service, values, out }: Parameters<Command['run']>[0]): Promise<void> {
  const input = {
    ...(values.epochs !== undefined ? { epochs: num('epochs', values.epochs, true)! } : {}),
    ...(values.batch !== undefined ? { batchSize: num('batch', values.batch, true)! } : {}),
    ...(values.lr !== undefined ? { learningRate: num('lr', values.lr)! } : {}),
    ...(values.dropout !== undefined ? { dropout: num('dropout', values.dropout)! } : {}),
    ...(values.seed !== undefined ? { seed: num('seed', values.seed, true)! } : {}),
    ...(values['pending-above'] !== undefined ? { pendingAbove: num('pending-above', values['pending-above'])! } : {}),
  };
  const result = (await runJob(service, () => service.invoke('jobs.start', { kind: 'train-detector', input }), out)) as TrainResult;
  const d = result.metrics.detection;
  out.result(result, () => [
    `Trained detector ${result.modelId} on ${result.backend}: ${result.epochs} epochs, ${speed(result)}`,
    `${result.metrics.split} mAP@0.5 ${(result.metrics.accuracy * 100).toFixed(1)}%${d ? `, precision ${d.precision.toFixed(3)} recall ${d.recall.toFixed(3)} at score ${d.scoreThreshold}` : ''}`,
    ...(d?.perClass ?? []).map((c) => `  ${c.name}: AP ${c.ap === null ? '—' : c.ap.toFixed(3)} (${c.support} boxes)`),
  ]);
}

export const train: Command = {
  usage:
    'train <dir> [--arch small-cnn|vgg|resnet|inception|mobilenetv2|detector] [--backbone MODEL_ID|model.json] [--mode scratch|frozen|finetune] [--epochs N] [--batch N] [--lr X] [--optimizer sgd|momentum|nesterov|adagrad|rmsprop|adam] [--schedule constant|step:E:G|cosine] [--augment LIST] [--early-stop N] [--dropout P] [--width W] [--kfold K] [--search grid|random|bayes --trials N] [--seed N] [--resume RUN_ID] [--teacher MODEL_ID|FILE.onnx [--classes a,b,c ...] --alpha A --temperature T --pending-above P]',
  options: {
    arch: { type: 'string' }, mode: { type: 'string' }, backbone: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' },
    lr: { type: 'string' }, optimizer: { type: 'string' }, schedule: { type: 'string' }, augment: { type: 'string' },
    'early-stop': { type: 'string' }, dropout: { type: 'string' }, width: { type: 'string' }, kfold: { type: 'string' },
    search: { type: 'string' }, trials: { type: 'string' }, seed: { type: 'string' }, resume: { type: 'string' },
    teacher: { type: 'string' }, alpha: { type: 'string' }, temperature: { type: 'string' }, 'pending-above': { type: 'string' },
    // An ONNX teacher file's preprocessing and class names (CLI.md), as pseudo-label takes them.
    ...ONNX_FILE_OPTIONS,
  },
  positionals: 1,
  openProject: true,
  async run(ctx) {
    const { service, values, out } = ctx;
    // A detect project's box student shares the verb; its options are the ones that apply to it.
    if (values.arch === 'detector') return trainDetector(ctx);
    const input = {
      ...trainOptionsFromFlags(values),
      ...(typeof values.teacher === 'string' ? { teacher: await teacherModel(service, values.teacher, values) } : {}),
      ...(values.mode !== undefined ? { mode: requireChoice('mode', values.mode, ['scratch', 'frozen', 'finetune'] as const) } : {}),
      ...(typeof values.backbone === 'string' ? { backbone: existsSync(values.backbone) ? resolve(values.backbone) : values.backbone } : {}),
      ...(values.kfold !== undefined ? { kfold: num('kfold', values.kfold, true)! } : {}),
      ...(values.search !== undefined ? { search: requireChoice('search', values.search, ['grid', 'random', 'bayes'] as const) } : {}),
      ...(values.trials !== undefined ? { trials: num('trials', values.trials, true)! } : {}),
      ...(typeof values.resume === 'string' ? { resume: values.resume } : {}),
    };
    const result = (await runJob(service, () => service.invoke('jobs.start', { kind: 'train', input }), out)) as TrainResult;
    const m = result.metrics;
    out.result(result, () => [
      `Trained ${result.modelId} on ${result.backend}: ${result.epochs} epochs, ${speed(result)}${result.stoppedEarly ? ' (stopped early)' : ''}`,
      m.multiLabel
        ? `${m.split} exact match ${(m.accuracy * 100).toFixed(1)}%, macro F1 ${m.multiLabel.macroF1.toFixed(3)}, loss ${m.loss.toFixed(4)} (multi-label, threshold ${m.multiLabel.threshold})`
        : `${m.split} accuracy ${(m.accuracy * 100).toFixed(1)}%, loss ${m.loss.toFixed(4)}`,
      ...(m.kfold ? [`${m.kfold.k}-fold accuracy ${(m.kfold.mean * 100).toFixed(1)}% ± ${(m.kfold.std * 100).toFixed(1)}`] : []),
      ...m.perClass.map((c) => `  ${c.name}: precision ${c.precision.toFixed(3)} recall ${c.recall.toFixed(3)} f1 ${c.f1.toFixed(3)}`),
    ]);
  },
};
