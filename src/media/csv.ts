import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ImportError } from '../api/types';
import type { Candidate } from './scan';
import { csvRecords } from './csv-records';

// The one CSV parser of the app (annotation/formats' box CSV uses it too): quotes, commas and
// newlines in quoted fields, CRLF and a BOM are read alike everywhere.
export { csvField } from './csv-records';

const SPLITS = new Set(['train', 'val', 'test']);

/**
 * A labels CSV: `path,label[,split]`, with an optional header row. Paths are relative to the
 * CSV's folder (absolute ones are taken as they are); an empty label means unlabeled.
 * Bad rows are reported by the line they start on and skipped (a quoted field may span lines).
 */
export async function readLabelsCsv(file: string, errors: ImportError[]): Promise<Candidate[]> {
  const text = await readFile(file, 'utf8');
  const base = dirname(file);
  const candidates: Candidate[] = [];
  const { records, errors: bad } = csvRecords(text);
  const problems = bad.map((e) => ({ line: e.line, reason: e.reason }));
  for (const [index, { line, cells }] of records.entries()) {
    const cols = cells.map((c) => c.trim());
    if (index === 0 && cols[0]?.toLowerCase() === 'path') continue; // header
    const [path, label, split] = cols;
    const reason = !path
      ? 'the path column is empty'
      : cols.slice(3).some((c) => c !== '')
        ? `${cols.length} values: a labels CSV is path,label[,split] (boxes are read by the box CSV format)`
        : split && !SPLITS.has(split)
          ? `unknown split "${split}" (expected train, val or test)`
          : undefined;
    if (reason || !path) {
      problems.push({ line, reason: reason ?? '' });
      continue;
    }
    const candidate: Candidate = { path: isAbsolute(path) ? path : resolve(base, path) };
    if (label) candidate.className = label;
    if (split) candidate.split = split as 'train' | 'val' | 'test';
    candidates.push(candidate);
  }
  // In file order, whichever step found them.
  problems.sort((a, b) => a.line - b.line);
  for (const p of problems) errors.push({ path: `${file}:${p.line}`, reason: p.reason });
  return candidates;
}
