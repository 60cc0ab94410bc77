import { DATASET_FORMATS, type FormatDescriptor } from './formats';

/** The markers around the README's formats table; the text between them is made by `formatsTable()`. */
export const FORMATS_TABLE_START = '<!-- formats table: made from src/api/formats.ts (formats-table.test.ts checks it) -->';
export const FORMATS_TABLE_END = '<!-- end of formats table -->';

const cell = (text: string | undefined) => (text ?? '—').replace(/\|/g, '\\|');

/** The README's table of dataset formats: per format, in and out, what is kept, converted, or listed as not held. */
export function formatsTable(formats: readonly FormatDescriptor[] = DATASET_FORMATS): string {
  const rows = formats.map((f) => {
    const io = [f.import ? 'in' : '', f.export ? 'out' : ''].filter(Boolean).join(' + ');
    return `| \`${f.name}\` | ${io} | ${cell(f.fidelity.keeps)} | ${cell(f.fidelity.converts)} | ${cell(f.fidelity.refuses)} |`;
  });
  return ['| `--format` | | kept | converted | not held: listed, never dropped in silence |', '|---|---|---|---|---|', ...rows].join('\n');
}
