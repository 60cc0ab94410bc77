import { resolve } from 'node:path';
import type { ExportResult } from '../../api/types';
import { exportFormats } from '../../api/formats';
import { includeSources } from '../../api/schemas';
import type { Command } from '../command';
import { requireChoice } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';

export const exportCommand: Command = {
  usage: `export <dir> --format ${exportFormats.join('|')} --out <path> [--include human,accepted]`,
  options: { format: { type: 'string' }, out: { type: 'string' }, include: { type: 'string' } },
  positionals: 1,
  openProject: true,
  async run({ service, values, out }) {
    if (typeof values.format !== 'string') throw new UsageError('export needs --format');
    if (typeof values.out !== 'string') throw new UsageError('export needs --out <path>');
    const format = requireChoice('format', values.format, exportFormats);
    const include = (typeof values.include === 'string' ? values.include : 'human,accepted,corrected')
      .split(',')
      .map((s) => requireChoice('include', s.trim(), includeSources));
    const result = (await runJob(
      service,
      () => service.invoke('jobs.start', { kind: 'export', input: { format, out: resolve(values.out as string), include: include as never } }),
      out,
    )) as ExportResult;
    const skipped = result.skipped ?? [];
    const converted = result.converted ?? [];
    out.result(result, () => [
      `Wrote ${result.images} images (${result.annotations} labels) to ${result.out}; ${converted.length} converted, ${skipped.length} not written`,
      ...converted.map((c) => `  converted ${c.file}${c.where ? ` (${c.where})` : ''}: ${c.reason}`),
      ...skipped.map((c) => `  not written ${c.file}${c.where ? ` (${c.where})` : ''}: ${c.reason}`),
    ]);
  },
};
