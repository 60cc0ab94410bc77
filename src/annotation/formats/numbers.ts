// Numbers as written in dataset files: strict parsing, and short exact writing.
import { DatasetFormatError } from './reports';

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number written in a file ("12", "-0.5", "1e-3"); NaN for anything else. */
export function parseNumber(text: string): number {
  const t = text.trim();
  if (!NUMBER_RE.test(t)) return NaN;
  const n = Number(t);
  return Number.isFinite(n) ? n : NaN;
}

/** A number for a file: 10 significant digits, no exponent, no trailing zeros. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) throw new DatasetFormatError('', '', `cannot write the number ${v}`);
  if (Math.abs(v) < 1e-9) return '0';
  const s = String(Number(v.toPrecision(10)));
  if (!/e/i.test(s)) return s;
  return Number(v.toPrecision(10)).toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}
