import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createProject, insertImage, openProject, paletteColor, writePseudoLabels } from '../store';
import { tempDir } from '../test-support/fixtures';

const RUN_TS = resolve(import.meta.dirname, '../../bin/run-ts.js');
const WRITER = resolve(import.meta.dirname, 'crash-writer.ts');

let cleanup = () => {};
afterEach(() => cleanup());

/** Start the writer, let it write for a random while, SIGKILL it; return the writes it acknowledged. */
function killAtRandom(dir: string, mode: string, seed: number, minMs: number, maxMs: number): Promise<string[]> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [RUN_TS, WRITER, dir, mode, String(seed)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
      if (out.startsWith('ready\n') && !child.killed) {
        const wait = minMs + ((seed * 7919) % (maxMs - minMs));
        setTimeout(() => child.kill('SIGKILL'), wait).unref();
        out = out.replace('ready\n', '');
        out = `\u0000${out}`; // mark the timer as set
      }
    });
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer ended by itself (${code}): ${err}`));
      // Only complete lines were acknowledged: the last one may have been cut by the kill.
      const lines = out.replace('\u0000', '').split('\n');
      lines.pop();
      done(lines);
    });
  });
}

function seedProject(root: string) {
  const handle = createProject(join(root, 'p'), 'classify', ['a', 'b', 'c'], paletteColor);
  const ids: number[] = [];
  handle.db.transaction(() => {
    for (let i = 0; i < 300; i++) {
      ids.push(insertImage(handle.db, { sha256: String(i).padStart(64, '0'), originalPath: `/x/${i}.png`, fileName: `${i}.png`, mediaPath: `m/${i}`, width: 4, height: 4, format: 'png', bytes: 1, split: 'unlabeled' }));
    }
  })();
  handle.db.prepare("INSERT INTO models (id, name, arch, kind, path) VALUES ('t', 't', 'x', 'trained', 'models/t')").run();
  writePseudoLabels(handle.db, ids.map((imageId, i) => ({ imageId, classId: 1 + (i % 3), confidence: (i % 100) / 100, soft: [0.3, 0.3, 0.4], entropy: 1, margin: 0.1 })), { modelId: 't', round: 1, temperature: 2, author: 'seed' });
  handle.close();
  return join(root, 'p');
}

describe('crash safety (SIGKILL at random moments)', () => {
  test('after 50 kills during labeling, review and region writes, the project opens, is intact, and keeps every acknowledged write', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = seedProject(t.dir);
    let kills = 0;
    let acknowledged = 0;
    for (let round = 0; round < 50; round++) {
      const mode = (['label', 'review', 'regions'] as const)[round % 3]!;
      const acked = await killAtRandom(dir, mode, round + 1, 30, 400);
      kills++;
      const handle = openProject(dir);
      try {
        expect(handle.db.pragma('integrity_check', { simple: true })).toBe('ok');
        // The last acknowledged write of each image must be what the database says now.
        const lastLabel = new Map<number, number>();
        const lastReview = new Map<number, string>();
        const lastRegionX = new Map<number, number>();
        // The write in flight when the kill came (intent printed, no acknowledgement) may have
        // committed: its key may hold either value.
        const lastLine = acked.at(-1) ?? '';
        const inFlight = lastLine.startsWith('intent ') ? lastLine.split(' ').slice(1, 3).join(' ') : null;
        for (const line of acked) {
          if (line.startsWith('intent ')) continue;
          const [kind, a, b] = line.split(' ');
          if (kind === 'label') lastLabel.set(Number(a), Number(b));
          if (kind === 'review') lastReview.set(Number(a), b!);
          if (kind === 'region') lastRegionX.set(Number(a), Number(b));
        }
        for (const [image, cls] of lastLabel) {
          if (inFlight === `label ${image}`) continue;
          const row = handle.db.prepare("SELECT class_id FROM annotations WHERE image_id = ? AND kind = 'tag' AND source = 'human' AND deleted_at IS NULL").get(image) as { class_id: number } | undefined;
          expect(row?.class_id).toBe(cls);
        }
        for (const [annotation, status] of lastReview) {
          if (inFlight === `review ${annotation}`) continue;
          expect((handle.db.prepare('SELECT status FROM annotations WHERE id = ?').get(annotation) as { status: string }).status).toBe(status);
        }
        for (const [region, x] of lastRegionX) {
          if (inFlight === `region ${region}`) continue;
          const row = handle.db.prepare('SELECT geometry, deleted_at FROM annotations WHERE id = ?').get(region) as { geometry: string; deleted_at: string | null };
          expect(row.deleted_at).toBeNull();
          expect((JSON.parse(row.geometry) as { x: number }).x).toBe(x);
        }
        acknowledged += lastLabel.size + lastReview.size + lastRegionX.size;
      } finally {
        handle.close();
      }
    }
    expect(kills).toBe(50);
    expect(acknowledged).toBeGreaterThan(500); // the writers really wrote between kills
  }, 300_000);
});
