import type { ImportResult } from '../../api/types';
import { importFormats } from '../../api/formats';
import { importSplits } from '../../api/schemas';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';
import { requireChoice } from '../command';

export const importCommand: Command = {
  usage: `import <dir> <path>... [--format ${importFormats.join('|')}] [--split ${importSplits.join('|')}] [--follow-links] [--images-root DIR]`,
  options: { format: { type: 'string' }, split: { type: 'string' }, 'follow-links': { type: 'boolean' }, 'images-root': { type: 'string' } },
  positionals: 'many',
  openProject: true,
  async run({ service, positionals, values, out }) {
    const paths = positionals.slice(1);
    if (!paths.length) throw new UsageError('import needs at least one file or folder to import');
    const format = requireChoice('format', values.format ?? 'auto', importFormats);
    const split = requireChoice('split', values.split ?? 'auto', importSplits);
    const result = (await runJob(
      service,
      () => service.invoke('jobs.start', { kind: 'import', input: { paths, format, split, followLinks: values['follow-links'] === true, ...(typeof values['images-root'] === 'string' ? { imagesRoot: values['images-root'] } : {}) } }),
      out,
    )) as ImportResult;
    out.result(result, () => [
      `Imported ${result.imported} images (${result.duplicates} duplicates skipped${result.attached ? `, ${result.attached} labels attached to images already in the project` : ''}, ${result.errors.length} errors)`,
      ...result.errors.map((e) => `  skipped ${e.path}: ${e.reason}`),
    ]);
  },
};
