import { AppError } from '../../api/errors';
import type { ImportResult } from '../../api/types';
import { importFormats } from '../../api/schemas';
import type { Command } from '../command';
import { UsageError } from '../errors';
import { runJob } from '../job';
import { requireChoice } from '../command';

/** Formats in the CLI contract that arrive with the annotation-formats work. */
const LATER_FORMATS = ['coco', 'yolo', 'voc', 'labelstudio'];

export const importCommand: Command = {
  usage: 'import <dir> <path>... [--format auto|folder|imagefolder|csv] [--split train|val|test|unlabeled|auto]',
  options: { format: { type: 'string' }, split: { type: 'string' } },
  positionals: 'many',
  openProject: true,
  async run({ service, positionals, values, out }) {
    const paths = positionals.slice(1);
    if (!paths.length) throw new UsageError('import needs at least one file or folder to import');
    const format = requireChoice('format', values.format ?? 'auto', [...importFormats, ...LATER_FORMATS]);
    if (LATER_FORMATS.includes(format)) throw new AppError('UNSUPPORTED', `--format ${format} is not supported by this version yet`);
    const split = requireChoice('split', values.split ?? 'auto', ['train', 'val', 'test', 'unlabeled', 'auto']);
    const result = (await runJob(
      service,
      () => service.invoke('jobs.start', { kind: 'import', input: { paths, format: format as never, split: split as never } }),
      out,
    )) as ImportResult;
    out.result(result, () => [
      `Imported ${result.imported} images (${result.duplicates} duplicates skipped, ${result.errors.length} errors)`,
      ...result.errors.map((e) => `  skipped ${e.path}: ${e.reason}`),
    ]);
  },
};
