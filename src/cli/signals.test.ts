import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { cli } from '../test-support/cli';
import { tempDir, writeImage } from '../test-support/fixtures';
import { listJobs, openDatabase } from '../store';

const BIN = resolve(import.meta.dirname, '../../bin/apprentice.js');

let cleanup = () => {};
afterEach(() => cleanup());

/** Start a long import, send `signal` once its first progress line is out, and collect how it ended. */
function interruptImport(proj: string, folder: string, signal: NodeJS.Signals): Promise<{ code: number | null; killedBy: string | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BIN, 'import', proj, folder, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => {
      stderr += c;
      if (!sent && /"phase":"importing"/.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('error', reject);
    child.on('close', (code, killedBy) => done({ code, killedBy, stdout, stderr }));
  });
}

describe('the apprentice command when it is interrupted', () => {
  test.each(['SIGTERM', 'SIGINT'] as const)('%s cancels the running job, records it as cancelled, closes the project and exits 1', async (signal) => {
    const t = tempDir();
    cleanup = t.cleanup;
    const proj = join(t.dir, 'proj');
    expect((await cli(['init', proj, '--json'])).code).toBe(0);
    for (let i = 0; i < 150; i++) await writeImage(join(t.dir, 'many', `i${i}.png`), i, { format: 'png', width: 400, height: 300 });

    const r = await interruptImport(proj, join(t.dir, 'many'), signal);
    // The process ended by itself (not killed by the signal) with the contract's failure code.
    expect({ code: r.code, killedBy: r.killedBy }).toEqual({ code: 1, killedBy: null });
    expect(JSON.parse(r.stderr.trim().split('\n').at(-1)!)).toMatchObject({ error: { code: 'CANCELLED' } });

    const db = openDatabase(join(proj, 'project.sqlite'), { readonly: true });
    try {
      // The job's end was recorded by the process itself, not left "running" for the next open to clean up.
      expect(listJobs(db, 5).map((j) => j.state)).toEqual(['cancelled']);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    // What was imported before the cancel is kept and a rerun completes the folder.
    const again = await cli(['import', proj, join(t.dir, 'many'), '--json']);
    expect(again.code).toBe(0);
    const stats = JSON.parse((await cli(['stats', proj, '--json'])).stdout);
    expect(stats.images).toBe(150);
  });
});
