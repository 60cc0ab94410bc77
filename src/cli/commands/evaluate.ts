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
    out.result({ accuracy: r.accuracy, images: r.images, perClass: r.perClass, confusion: r.confusion }, () => [
      `accuracy ${(r.accuracy * 100).toFixed(2)}% on ${r.images} ${split} images`,
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
      predictions: { image: string; label: string; confidence: number; probs: number[] }[];
    };
    const predictions = r.predictions.map((p) => ({ image: p.image, label: p.label, confidence: p.confidence, probs: p.probs }));
    out.result({ predictions }, () => predictions.map((p) => `${p.image}\t${p.label}\t${p.confidence.toFixed(3)}`));
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
