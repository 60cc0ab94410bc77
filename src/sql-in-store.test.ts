// The store owns the SQL (DESIGN.md): the lint rule of eslint.config.js refuses a statement run
// outside src/store/, and lets RegExp#exec, the store itself and tests (which inspect the file) be.
import { resolve, join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const SRC = import.meta.dirname;
const ROOT = resolve(SRC, '..');

const PROBE = `import Database from 'better-sqlite3';
export function probe(db: Database.Database, s: { db: Database.Database }, sql: string, text: string) {
  db.prepare('SELECT COUNT(*) AS n FROM images').get();
  db.prepare(sql).all();
  db.pragma('journal_mode');
  s.db.exec(sql);
  const other = db as unknown as { exec(t: string): void };
  other.exec(\`DELETE FROM images\`);
  /^(\\d+)x(\\d+)$/.exec(text);
  const re = /a(b)/;
  re.exec(text);
  return new Database(':memory:');
}
`;

describe('the store-owns-the-SQL lint rule', () => {
  const eslint = new ESLint({ cwd: ROOT });
  /** The lines of `code` placed at src/<file> where lint refuses SQL. */
  const refusedLines = async (file: string, code: string): Promise<number[]> => {
    const [result] = await eslint.lintText(code, { filePath: join(SRC, file) });
    return [...new Set(result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax' && /store owns the SQL/.test(m.message)).map((m) => m.line))];
  };

  test('refuses prepare, pragma, exec on a database or of SQL text, and opening a database, outside src/store/', async () => {
    const everySqlLine = [3, 4, 5, 6, 8, 12];
    expect(await refusedLines('inference/probe.ts', PROBE)).toEqual(everySqlLine);
    expect(await refusedLines('training/run/probe.ts', PROBE)).toEqual(everySqlLine);
    expect(await refusedLines('service/probe.ts', PROBE)).toEqual(everySqlLine);
    expect(await refusedLines('test-support/probe.ts', PROBE)).toEqual(everySqlLine);
  }, 60_000);

  test('lets the store run SQL, tests read the file raw, and regular expressions exec', async () => {
    expect(await refusedLines('store/probe.ts', PROBE)).toEqual([]);
    expect(await refusedLines('store/migrations/probe.ts', PROBE)).toEqual([]);
    expect(await refusedLines('inference/probe.test.ts', PROBE)).toEqual([]);
    expect(await refusedLines('annotation/formats/probe.ts', "export const size = (t: string) => /^(\\d+)x(\\d+)$/.exec(t);\n")).toEqual([]);
  }, 60_000);
});
