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
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
};

/**
 * Parse CSV text into records with their start lines. Blank lines are skipped; cells are kept
 * as written inside quotes (spaces around a quoted field are allowed and dropped).
 */
export function csvRecords(text: string): { records: CsvRecord[]; errors: CsvProblem[] } {
  const records: CsvRecord[] = [];
  const errors: CsvProblem[] = [];
  // csv-parse says where a record ENDS (info.lines); it starts after the previous one ended.
  let lastEnd = 0;
  parse(text, {
    bom: true,
    relax_column_count: true,
    ltrim: true,
    rtrim: true,
    skip_records_with_error: true,
    // Records and broken records arrive in file order through these two callbacks.
    on_record: (record: string[], context: { lines: number }) => {
      const line = lastEnd + 1;
      lastEnd = context.lines;
      if (!(record.length === 1 && record[0]!.trim() === '')) records.push({ line, cells: record });
      return null;
    },
    on_skip: (err: CsvError | undefined) => {
      if (!err) return;
      const line = lastEnd + 1;
      // One line per broken record: csv-parse may report the same record twice.
      if (errors[errors.length - 1]?.line !== line) errors.push({ line, reason: REASONS[err.code] ?? err.message });
      lastEnd = Math.max(lastEnd, (err as CsvError & { lines?: number }).lines ?? lastEnd + 1);
    },
  });
  return { records, errors };
}

/** Quote a CSV field when it needs it (a quote, comma, newline, or spaces a reader would trim). */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}
