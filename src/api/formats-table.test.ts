import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { FORMATS_TABLE_END, FORMATS_TABLE_START, formatsTable } from './formats-table';

test("the README's formats table says what the format descriptors say", () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf(FORMATS_TABLE_START);
  const end = readme.indexOf(FORMATS_TABLE_END);
  expect(start, 'README.md has the formats table markers').toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  // On a mismatch, paste the expected text between the markers.
  expect(readme.slice(start + FORMATS_TABLE_START.length, end).trim()).toBe(formatsTable());
});
