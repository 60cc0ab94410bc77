import { resolve } from 'node:path';
import { AppError } from '../../api/errors';
import type { Command } from '../command';
import { requireChoice } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';

export const exportModelCommand: Command = {
  usage: 'export-model <dir> --model MODEL_ID --format onnx|tfjs --out PATH [--verify] [--baked]',
  options: { model: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, verify: { type: 'boolean' }, baked: { type: 'boolean' } },
  positionals: 1,
  openProject: true,
  async run({ service, values, out }) {
    if (typeof values.model !== 'string') throw new UsageError('export-model needs --model');
    if (typeof values.out !== 'string') throw new UsageError('export-model needs --out');
    const format = requireChoice('format', values.format, ['onnx', 'tfjs'] as const);
    const verify = values.verify === true;
    const r = (await runJob(
      service,
      () => service.invoke('jobs.start', { kind: 'export-model', input: { model: values.model as string, format, out: resolve(values.out as string), verify, baked: values.baked === true } }),
      out,
    )) as { out: string; format: string; verified: boolean; maxAbsDiff: number | null; top1Agreement: number | null };
    out.result({ out: r.out, format: r.format, verified: r.verified, maxAbsDiff: r.maxAbsDiff }, () => [
      `Wrote ${r.out}`,
      verify ? `verified: ${r.verified ? 'yes' : 'NO'} (max abs diff ${r.maxAbsDiff}, top-1 agreement ${r.top1Agreement})` : 'not verified (add --verify)',
    ]);
    // A file that does not compute what the model computes is a failure, even though it was written.
    if (verify && !r.verified) throw new AppError('INTERNAL', `Verification failed: max abs diff ${r.maxAbsDiff}, top-1 agreement ${r.top1Agreement}.`);
  },
};
