import type { Command } from '../command';
import { requireChoice } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';
import { modelRef, ONNX_FILE_OPTIONS, ONNX_FILE_USAGE, specInput } from '../teacher-flags';

const SPLITS = ['train', 'val', 'test', 'unlabeled'] as const;

interface Evaluation {
  accuracy: number;
  images: number;
  perClass: { name: string; precision: number; recall: number; f1: number }[];
  confusion: number[][];
  /** A multi-label model: accuracy is exact match, perClass at the threshold, confusion empty. */
  multiLabel?: { threshold: number; exactMatch: number; macroPrecision: number; macroRecall: number; macroF1: number; hammingLoss: number };
}

export const evaluate: Command = {
  usage: `evaluate <dir> --model MODEL_ID|FILE [--split test] ${ONNX_FILE_USAGE}`,
  options: { model: { type: 'string' }, split: { type: 'string' }, ...ONNX_FILE_OPTIONS },
  positionals: 1,
  openProject: true,
  async run({ service, values, out }) {
    if (typeof values.model !== 'string') throw new UsageError('evaluate needs --model');
    const split = requireChoice('split', values.split ?? 'test', SPLITS);
    const r = (await runJob(service, () => service.invoke('jobs.start', { kind: 'evaluate', input: { model: modelRef(values.model as string), split, ...specInput(values) } }), out)) as Evaluation;
    out.result({ accuracy: r.accuracy, images: r.images, perClass: r.perClass, confusion: r.confusion, ...(r.multiLabel ? { multiLabel: r.multiLabel } : {}) }, () => [
      r.multiLabel
        ? `exact match ${(r.accuracy * 100).toFixed(2)}%, macro F1 ${r.multiLabel.macroF1.toFixed(3)} on ${r.images} ${split} images (multi-label, threshold ${r.multiLabel.threshold})`
        : `accuracy ${(r.accuracy * 100).toFixed(2)}% on ${r.images} ${split} images`,
      ...r.perClass.map((c) => `  ${c.name}: precision ${c.precision.toFixed(3)} recall ${c.recall.toFixed(3)} f1 ${c.f1.toFixed(3)}`),
    ]);
  },
};

export const predict: Command = {
  usage: `predict <dir> --model MODEL_ID|FILE [--split S] ${ONNX_FILE_USAGE}`,
  options: { model: { type: 'string' }, split: { type: 'string' }, ...ONNX_FILE_OPTIONS },
  positionals: 1,
  openProject: true,
  async run({ service, values, out }) {
    if (typeof values.model !== 'string') throw new UsageError('predict needs --model');
    const split = values.split === undefined ? null : requireChoice('split', values.split, SPLITS);
    const r = (await runJob(service, () => service.invoke('jobs.start', { kind: 'predict', input: { model: modelRef(values.model as string), split, ...specInput(values) } }), out)) as {
      predictions: { image: string; label: string; confidence: number; probs: number[]; labels?: string[] }[];
    };
    // A multi-label model's predictions also list every class at or above its threshold (labels).
    const predictions = r.predictions.map((p) => ({ image: p.image, label: p.label, confidence: p.confidence, probs: p.probs, ...(p.labels ? { labels: p.labels } : {}) }));
    out.result({ predictions }, () => predictions.map((p) => `${p.image}\t${p.labels ? p.labels.join(',') : p.label}\t${p.confidence.toFixed(3)}`));
  },
};

export const models: Command = {
  usage: 'models <dir>',
  options: {},
  positionals: 1,
  openProject: true,
  async run({ service, out }) {
    const list = await service.invoke('models.list', {});
    out.result({ models: list.map((m) => ({ id: m.id, arch: m.arch, createdAt: m.createdAt, metrics: m.metrics, backend: m.backend, kind: m.kind })) }, () =>
      list.length
        ? list.map((m) => `${m.id}\t${m.arch}\t${m.metrics ? `${(m.metrics.accuracy * 100).toFixed(1)}%` : '-'}\t${m.createdAt}`)
        : ['No models yet: train one with "apprentice train".'],
    );
  },
};
