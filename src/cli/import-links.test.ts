import { afterEach, describe, expect, test } from 'vitest';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../test-support/cli';
import { tempDir, writeImage } from '../test-support/fixtures';

let cleanup = () => {};
afterEach(() => cleanup());

describe('apprentice import --follow-links', () => {
  test('a symlinked folder is reported per image and skipped by default, imported with --follow-links', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const proj = join(t.dir, 'proj');
    await writeImage(join(t.dir, 'photos', 'own.jpg'), 1);
    await writeImage(join(t.dir, 'elsewhere', 'e1.jpg'), 2);
    await writeImage(join(t.dir, 'elsewhere', 'e2.jpg'), 3);
    symlinkSync(join(t.dir, 'elsewhere'), join(t.dir, 'photos', 'linked'));
    expect((await cli(['init', proj, '--json'])).code).toBe(0);

    const plain = await cli(['import', proj, join(t.dir, 'photos'), '--json']);
    expect(plain.code).toBe(0);
    const r = JSON.parse(plain.stdout) as { imported: number; errors: { path: string; reason: string }[] };
    expect(r.imported).toBe(1);
    expect(r.errors.map((e) => e.path)).toEqual([join(t.dir, 'photos', 'linked', 'e1.jpg'), join(t.dir, 'photos', 'linked', 'e2.jpg')]);
    expect(r.errors[0]!.reason).toMatch(/outside the dataset folder .*--follow-links/);

    const follow = await cli(['import', proj, join(t.dir, 'photos'), '--follow-links', '--json']);
    expect(follow.code).toBe(0);
    expect(JSON.parse(follow.stdout)).toMatchObject({ imported: 2, duplicates: 1, errors: [] });
  });
});
