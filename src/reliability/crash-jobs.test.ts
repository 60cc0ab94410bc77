import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { contentPath } from '../media';
import { createProject, openProject, paletteColor } from '../store';
import { AppService } from '../service';
import { decodeCheckpoint } from '../training/loop/checkpoint';
import { tempDir, writeTopBottomDataset } from '../test-support/fixtures';

const RUN_TS = resolve(import.meta.dirname, '../../bin/run-ts.js');
const JOBS = resolve(import.meta.dirname, 'crash-jobs.ts');

let cleanup = () => {};
afterEach(() => cleanup());

/** Run a job in a child, SIGKILL it `afterMs` after it says ready; its complete output lines. */
function killJob(args: string[], afterMs: number): Promise<{ lines: string[]; killed: boolean }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [RUN_TS, JOBS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.on('data', (c) => {
      out += c;
      if (!armed && out.includes('ready\n')) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), afterMs).unref();
      }
    });
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`job failed (${code}): ${err}`));
      const lines = out.split('\n');
      lines.pop();
      done({ lines, killed: signal === 'SIGKILL' });
    });
  });
}

describe('crash safety of long jobs (SIGKILL mid-way)', () => {
  test('an import killed again and again leaves a sound project, every stored image whole, and completes on rerun', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const folder = join(t.dir, 'incoming');
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 500; i++) {
      const px = Buffer.alloc(8 * 8 * 3, i % 251);
      px[0] = i >> 8;
      px[1] = i & 255; // every image different: duplicates would be (rightly) skipped
      await sharp(px, { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(join(folder, `img${String(i).padStart(3, '0')}.png`));
    }
    createProject(join(t.dir, 'p'), 'classify', [], paletteColor).close();
    const dir = join(t.dir, 'p');
    let kills = 0;
    for (let round = 0; round < 10; round++) {
      const { lines, killed } = await killJob(['import', dir, folder], 40 + ((round * 137) % 400));
      if (killed) kills++;
      const acked = Math.max(0, ...lines.filter((l) => l.startsWith('stored ')).map((l) => Number(l.split(' ')[1])));
      const handle = openProject(dir);
      try {
        expect(handle.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const rows = handle.db.prepare('SELECT sha256, media_path FROM images').all() as { sha256: string; media_path: string }[];
        expect(rows.length).toBeGreaterThanOrEqual(acked);
        for (const r of rows) {
          expect(existsSync(join(dir, r.media_path))).toBe(true);
          expect(existsSync(contentPath(handle.paths.thumbs, r.sha256, '.webp'))).toBe(true);
        }
      } finally {
        handle.close();
      }
    }
    expect(kills).toBeGreaterThanOrEqual(5);
    // A last run without a kill completes the import: each file exactly once.
    const final = await killJob(['import', dir, folder], 60_000);
    expect(final.lines.at(-1)).toBe('finished');
    const handle = openProject(dir);
    expect((handle.db.prepare('SELECT COUNT(*) AS n FROM images').get() as { n: number }).n).toBe(500);
    handle.close();
  }, 240_000);

  test('training killed mid-run leaves a whole checkpoint, and resume continues from it', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    await writeTopBottomDataset(join(t.dir, 'data'), 8);
    const dir = join(t.dir, 'p');
    const service = new AppService({ transport: 'in-process' });
    await service.invoke('project.create', { dir });
    await service.waitForJob((await service.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'data')] } })).jobId);
    await service.close();
    const runId = 'crash-run';
    let lastEpoch = 0;
    for (let round = 0; round < 4; round++) {
      const { lines } = await killJob(['train', dir, runId], 150 + round * 120);
      const epochs = lines.filter((l) => l.startsWith('epoch ')).map((l) => Number(l.split(' ')[1]));
      const file = join(dir, 'models', 'runs', runId, 'checkpoint.bin');
      expect(existsSync(file)).toBe(true);
      const ck = decodeCheckpoint(readFileSync(file)); // never torn: written atomically
      expect(ck.history.map((e) => e.epoch)).toEqual(Array.from({ length: ck.epochsDone }, (_, i) => i + 1));
      // Every epoch announced was checkpointed, except possibly the last one (killed while saving).
      expect(ck.epochsDone).toBeGreaterThanOrEqual(Math.max(0, ...epochs) - 1);
      // Resume continued the numbering: this run's epochs follow the last checkpoint of the one before.
      if (epochs.length) expect(epochs[0]).toBeGreaterThanOrEqual(lastEpoch);
      lastEpoch = ck.epochsDone;
    }
    expect(lastEpoch).toBeGreaterThan(0);
  }, 240_000);
});
