import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ImportError } from '../api/types';
import type { Candidate } from './scan';

/** Split one CSV line (RFC 4180 quoting: "a,b" and "" for a quote). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Quote a CSV field when it needs it. */
export function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const SPLITS = new Set(['train', 'val', 'test']);

/**
 * A labels CSV: `path,label[,split]`, with an optional header row. Paths are relative to the
 * CSV's folder (absolute ones are taken as they are); an empty label means unlabeled.
 * Bad rows are reported by line number and skipped.
 */
export async function readLabelsCsv(file: string, errors: ImportError[]): Promise<Candidate[]> {
  const text = await readFile(file, 'utf8');
  const base = dirname(file);
  const candidates: Candidate[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    if (!raw.trim()) return;
    const cols = parseCsvLine(raw).map((c) => c.trim());
    if (index === 0 && cols[0]?.toLowerCase() === 'path') return; // header
    const [path, label, split] = cols;
    if (!path) {
      errors.push({ path: `${file}:${lineNo}`, reason: 'the path column is empty' });
      return;
    }
    if (split && !SPLITS.has(split)) {
      errors.push({ path: `${file}:${lineNo}`, reason: `unknown split "${split}" (expected train, val or test)` });
      return;
    }
    const candidate: Candidate = { path: isAbsolute(path) ? path : resolve(base, path) };
    if (label) candidate.className = label;
    if (split) candidate.split = split as 'train' | 'val' | 'test';
    candidates.push(candidate);
  });
  return candidates;
}
