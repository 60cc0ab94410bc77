// The house rules of DESIGN.md about imports, proved on the real code: src/ has no import circle,
// and the per-floor lint rule (eslint.config.js) refuses an upward import, type-only ones too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const SRC = import.meta.dirname;
const ROOT = resolve(SRC, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The module a relative specifier names ('./x', './x.js', './dir' for its index.ts), or null. */
function resolveRelative(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec).replace(/\.js$/, '');
  return [`${base}.ts`, join(base, 'index.ts')].find(isFile) ?? null;
}

/** Every src/ module and the src/ modules it imports: value, type-only, re-exports and import(). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles.filter((i) => i.fileName.startsWith('.')).map((i) => resolveRelative(file, i.fileName));
    graph.set(relative(SRC, file), [...new Set(targets.filter((t): t is string => t !== null).map((t) => relative(SRC, t)))]);
  }
  return graph;
}

/** The import circles of a graph: its strongly connected components of more than one module (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the import graph of src/', () => {
  test('the circle finder reports a circle (so an empty answer below means something)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(circles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  test('has no import circle, type-only imports included', () => {
    const graph = importGraph();
    // The reader sees the arrows it must judge: a value import, a type-only one, a re-export.
    expect(graph.get('annotation/import-images.ts')).toContain('media/index.ts');
    expect(graph.get('annotation/dataset-export.ts')).toContain('api/job-context.ts');
    expect(graph.get('media/index.ts')).toContain('media/pixel-spec.ts');
    expect(circles(graph).map((c) => c.join(' <-> '))).toEqual([]);
  });
});

describe('the per-floor lint rule', () => {
  test('reaches every file: no src/ file lies deeper than the five folder levels it has blocks for', () => {
    const tooDeep = sourceFiles(SRC).map((f) => relative(SRC, f)).filter((f) => f.split('/').length > 6);
    expect(tooDeep).toEqual([]);
  });

  const eslint = new ESLint({ cwd: ROOT });
  /** The import specifiers lint refuses in `code` placed at src/<file>. */
  const refused = async (file: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: join(SRC, file) });
    return result!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => /'([^']+)' import/.exec(m.message)?.[1] ?? m.message);
  };

  test('refuses an upward import, type-only ones too, and test-only code in shipped files', async () => {
    expect(await refused('store/probe.ts', "import type { AppService } from '../service';\nexport type S = AppService;\n")).toEqual(['../service']);
    expect(await refused('media/probe.ts', "export { FORMATS } from '../annotation/formats/index-formats';\n")).toEqual(['../annotation/formats/index-formats']);
    expect(await refused('annotation/formats/probe.ts', "import type { JobContext } from '../../jobs/types';\nexport type J = JobContext;\n")).toEqual(['../../jobs/types']);
    // Siblings on one floor import each other one way only: export is below inference and training.
    expect(await refused('export/probe.ts', "export { tinyConvNet } from '../training/models';\n")).toEqual(['../training/models']);
    expect(await refused('training/detect/probe.ts', "export { tempDir } from '../../test-support/fixtures';\n")).toEqual(['../../test-support/fixtures']);
    expect(await refused('training/backend/wasm-kernels/probe.ts', "export { AppService } from '../../../service/index.js';\n")).toEqual(['../../../service/index.js']);
    expect(await refused('server/probe.ts', "export { main } from '../cli/main';\n")).toEqual(['../cli/main']);
  }, 60_000);

  test('accepts imports from the same floor or below, and tests that use the whole house', async () => {
    expect(await refused('annotation/probe.ts', "export { contentPath } from '../media';\nexport { listClasses } from '../store';\nexport type { JobContext } from '../api';\n")).toEqual([]);
    expect(await refused('store/probe.ts', "export { listJobs } from './jobs';\n")).toEqual([]);
    expect(await refused('training/run/probe.ts', "export { onnxSession } from '../../inference/onnx';\nexport { exportModel } from '../../export';\n")).toEqual([]);
    expect(await refused('store/probe.test.ts', "export { AppService } from '../service';\nexport { tempDir } from '../test-support/fixtures';\n")).toEqual([]);
  }, 60_000);
});
