// bin/apprentice.js runs the built CLI only while no source is newer than it: checked here on a
// package laid out in a temp folder, with file times set by hand.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BUILT_CLI, cliBuild } from '../../bin/cli-build.js';

let root: string;
const T0 = new Date('2026-01-01T00:00:00Z');
const later = new Date('2026-01-01T00:01:00Z');

/** Write a file of the fake package at time `at`. */
function put(path: string, at: Date): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  utimesSync(file, at, at);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'apprentice-cli-build-'));
  put('src/cli/main.ts', T0);
  put('src/store/deep/inner/open.ts', T0);
  put('electron.vite.config.ts', T0);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('cliBuild', () => {
  test('no build yet: the sources run through tsx', () => {
    expect(cliBuild(root)).toEqual({ built: null, reason: `${BUILT_CLI} is missing` });
  });

  test('a build newer than every source is run', () => {
    put(BUILT_CLI, later);
    expect(cliBuild(root)).toEqual({ built: join(root, BUILT_CLI), reason: null });
  });

  test('a build as old as the newest source is still run (same second)', () => {
    put(BUILT_CLI, T0);
    expect(cliBuild(root).built).toBe(join(root, BUILT_CLI));
  });

  test('a source edited after the build (however deep) sends the command to tsx', () => {
    put(BUILT_CLI, T0);
    put('src/store/deep/inner/open.ts', later);
    expect(cliBuild(root)).toEqual({ built: null, reason: `src/store/deep/inner/open.ts is newer than ${BUILT_CLI}` });
  });

  test('a newer build config sends the command to tsx too', () => {
    put(BUILT_CLI, T0);
    put('electron.vite.config.ts', later);
    expect(cliBuild(root).reason).toBe(`electron.vite.config.ts is newer than ${BUILT_CLI}`);
  });

  test('tests and files other than .ts are not in the build: editing them keeps it', () => {
    put(BUILT_CLI, T0);
    put('src/cli/main.test.ts', later);
    put('src/store/notes.md', later);
    expect(cliBuild(root).built).toBe(join(root, BUILT_CLI));
  });
});
