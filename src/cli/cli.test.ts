import { afterEach, describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../test-support/cli';
import { tempDir, writeBadFiles, writeImage } from '../test-support/fixtures';


let cleanup = () => {};
afterEach(() => cleanup());

describe('the apprentice command', () => {
  test('init, import, stats and export behave as the CLI contract says', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const proj = join(t.dir, 'proj');
    const init = await cli(['init', proj, '--classes', 'cat,dog', '--json']);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toEqual({ dir: proj, task: 'classify', classes: ['cat', 'dog'] });

    for (let i = 0; i < 3; i++) await writeImage(join(t.dir, 'data', 'cat', `c${i}.jpg`), i);
    for (let i = 0; i < 2; i++) await writeImage(join(t.dir, 'data', 'dog', `d${i}.jpg`), 10 + i);
    const bad = writeBadFiles(join(t.dir, 'data', 'dog'));
    const imp = await cli(['import', proj, join(t.dir, 'data'), '--json']);
    expect(imp.code).toBe(0);
    const result = JSON.parse(imp.stdout);
    expect(result.imported).toBe(5);
    expect(result.duplicates).toBe(0);
    expect(result.errors.map((e: { path: string }) => e.path).sort()).toEqual(bad.sort());
    // Progress went to stderr as JSON lines.
    const progress = imp.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(progress.at(-1).progress).toMatchObject({ phase: 'importing', step: 8, total: 8 });

    const stats = JSON.parse((await cli(['stats', proj, '--json'])).stdout);
    expect(stats).toMatchObject({
      images: 5,
      labeled: 5,
      unlabeled: 0,
      classes: [{ name: 'cat', count: 3 }, { name: 'dog', count: 2 }],
      pseudo: { pending: 0, accepted: 0, rejected: 0, corrected: 0 },
    });
    expect(stats.splits.train + stats.splits.val + stats.splits.test).toBe(5);

    const csvOut = join(t.dir, 'out', 'labels.csv');
    const exp = await cli(['export', proj, '--format', 'csv', '--out', csvOut, '--json']);
    expect(exp.code).toBe(0);
    expect(JSON.parse(exp.stdout)).toEqual({ out: csvOut, images: 5, annotations: 5, skipped: [], converted: [] });
    const lines = readFileSync(csvOut, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('path,label,split');
    expect(lines.filter((l) => l.includes(',cat,'))).toHaveLength(3);
    for (const l of lines.slice(1)) expect(existsSync(join(t.dir, 'out', l.split(',')[0]!))).toBe(true);

    // Round trip: the exported CSV imports into a new project with the same classes and splits.
    const proj2 = join(t.dir, 'proj2');
    await cli(['init', proj2]);
    const imp2 = JSON.parse((await cli(['import', proj2, csvOut, '--json'])).stdout);
    expect(imp2).toMatchObject({ imported: 5, errors: [] });
    const stats2 = JSON.parse((await cli(['stats', proj2, '--json'])).stdout);
    expect(stats2.classes).toEqual(stats.classes);
    expect(stats2.splits).toEqual(stats.splits);

    const folderOut = join(t.dir, 'folder-out');
    const exf = JSON.parse((await cli(['export', proj, '--format', 'imagefolder', '--out', folderOut, '--json'])).stdout);
    expect(exf).toEqual({ out: folderOut, images: 5, annotations: 5, skipped: [], converted: [] });
  });

  test('failures exit 1 with one line; usage errors exit 2', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const missing = await cli(['stats', join(t.dir, 'nothing')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/not an Apprentice project/);
    expect((await cli(['stats'])).code).toBe(2);
    expect((await cli(['frobnicate', t.dir])).code).toBe(2);
    expect((await cli(['init', join(t.dir, 'p'), '--bogus'])).code).toBe(2);
    await cli(['init', join(t.dir, 'p')]);
    const again = await cli(['init', join(t.dir, 'p'), '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr).error.code).toBe('PROJECT_EXISTS');
    expect((await cli(['export', join(t.dir, 'p'), '--format', 'tiff', '--out', 'x'])).code).toBe(2);
    // `train --arch detector` is the box student: in a project without classes it says what it needs.
    await writeImage(join(t.dir, 'img', 'a.png'), 1, { format: 'png' });
    await cli(['import', join(t.dir, 'p'), join(t.dir, 'img')]);
    const detector = await cli(['train', join(t.dir, 'p'), '--arch', 'detector', '--epochs', '1']);
    expect(detector.code).toBe(1);
    expect(detector.stderr).toMatch(/Training a detector needs at least one class/);
  });
});
