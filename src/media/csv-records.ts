/**
 * The one CSV reader every CSV layout shares (the labels CSV of an image import, the box CSV of
 * annotation/formats): RFC 4180 by csv-parse, so quotes, commas and newlines inside quoted
 * fields, CRLF and a BOM are read the same way everywhere. Each record carries the line it
 * starts on; a broken record is reported by that line and the records after it are still read.
 * It lives here, below annotation/, because the labels CSV reader (media/csv.ts) needs it too.
 */
import { parse, type CsvError } from 'csv-parse/sync';

export interface CsvRecord {
  /** 1-based line the record starts on. */
  line: number;
  cells: string[];
}

export interface CsvProblem {
  line: number;
  reason: string;
}

/** csv-parse's codes in the words the rest of the app uses; other codes keep csv-parse's message. */
const REASONS: Record<string, string> = {
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field: "a ""b"" c")',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote (quote the whole field: "a ""b"" c")',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed (the rest of the file is inside it, so it is not read)',
};

/**
 * Parse CSV text into records with their start lines. Blank lines are skipped; cells are kept
 * as written inside quotes (spaces around a quoted field are allowed and dropped).
 */
export function csvRecords(text: string): { records: CsvRecord[]; errors: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const errors: CsvProblem[] = [];
  // csv-parse's own line count is off after a CRLF inside quotes or mixed line endings, so lines
  // come from byte offsets: context.bytes is where a record ends (its delimiter included, a BOM
  // counted), and a record starts as many line breaks before its last line as its fields hold.
  const buf = Buffer.from(text, 'utf8');
  const lineStarts = [0];
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b === 0x0a || (b === 0x0d && buf[i + 1] !== 0x0a)) lineStarts.push(i + 1);
  }
  /** 1-based line of a byte offset. */
  const lineAt = (offset: number): number => {
    let [lo, hi] = [0, lineStarts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  let lastEnd = 0;
  let lastSkipAt = '';
  parse(text, {
    bom: true,
    relax_column_count: true,
    ltrim: true,
    rtrim: true,
    skip_records_with_error: true,
    // Records and broken records arrive in file order through these two callbacks.
    on_record: (record: string[], context: { bytes: number }) => {
      const breaks = record.reduce((n, cell) => n + (cell.match(/\r\n|\r|\n/g) ?? []).length, 0);
      const end = lineAt(Math.max(0, context.bytes - 1));
      lastEnd = end;
      lastSkipAt = '';
      if (!(record.length === 1 && record[0]!.trim() === '')) records.push({ line: end - breaks, cells: record });
      return null;
    },
    on_skip: (err: CsvError | undefined) => {
      if (!err) return;
      // One line per broken record and problem: csv-parse may report the same one twice.
      const key = `${lastEnd}:${err.code}`;
      if (lastSkipAt === key) return;
      lastSkipAt = key;
      errors.push({ line: lastEnd + 1, reason: REASONS[err.code] ?? err.message });
    },
  });
  return { records, errors };
}

/** Quote a CSV field when it needs it (a quote, comma, newline, or spaces a reader would trim). */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}
