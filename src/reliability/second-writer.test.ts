/**
 * Two writers on one project at once, like the app and the CLI: two AppService instances in two
 * processes relabel images concurrently, until each has seen the other write many times while it
 * was writing (counted, not timed: a loaded machine only makes it slower). WAL lets them interleave; the busy timeout
 * makes each wait for the other's transaction instead of failing. No error may surface, the
 * database must pass integrity_check, and every acknowledged write of both must be there.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { AppService } from '../service';
import { insertImage, openDatabase } from '../store';
import { tempDir } from '../test-support/fixtures';

const RUN_TS = resolve(import.meta.dirname, '../../bin/run-ts.js');
const WRITER = resolve(import.meta.dirname, 'second-writer.ts');
/** Writes each side must see the other make while it is writing itself. */
const OVERLAPPING_WRITES = 20;
/** A safety stop for the second writer, far beyond what the test needs. */
const SAFETY_MS = 60_000;

let cleanup = () => {};
afterEach(() => cleanup());

interface WriterReport {
  writes: number;
  updated: number;
  errors: string[];
  last: Record<number, number>;
}

describe('a second writer on the same project', () => {
  test('the app and a second process label concurrently: no errors, no corruption, both sets of writes kept', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const dir = join(t.dir, 'p');
    const app = new AppService({ transport: 'in-process', author: 'app', autoBackupMs: 0, log: () => {} });
    try {
      const info = await app.invoke('project.create', { dir, classes: ['a', 'b', 'c'] });
      const db = app['session']!.db;
      const ids = db.transaction(() =>
        Array.from({ length: 60 }, (_, i) =>
          insertImage(db, { sha256: String(i).padStart(64, '0'), originalPath: `/x/${i}.png`, fileName: `${i}.png`, mediaPath: `m/${i}`, width: 4, height: 4, format: 'png', bytes: 1, split: 'unlabeled' }),
        ),
      )();
      // Each writer owns half of the images, so "both sets present" can be checked exactly.
      const mine = ids.filter((_, i) => i % 2 === 0);
      const theirs = ids.filter((_, i) => i % 2 === 1);
      const classes = info.classes.map((c) => c.id);

      const child = spawn(process.execPath, [RUN_TS, WRITER, dir, theirs.join(','), String(SAFETY_MS)], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let theirWrites = 0; // the child's acknowledged writes, as they happen ('w' lines)
      child.stderr.on('data', (c) => (err += c));
      const ready = new Promise<void>((ok) => child.stdout.on('data', (c: Buffer) => {
        out += c;
        theirWrites += (c.toString().match(/^w$/gm) ?? []).length;
        if (out.startsWith('ready\n')) ok();
      }));
      let childEnded = false;
      const exited = new Promise<number | null>((ok) => child.on('close', (code) => ((childEnded = true), ok(code))));
      await ready;

      // The app writes in the same window.
      const errors: string[] = [];
      const last: Record<number, number> = {};
      let updated = 0;
      let writes = 0;
      const theirsBefore = theirWrites;
      // Until both have written enough while the other was writing (or the child ended: it fails below).
      for (let i = 0; !childEnded && (writes < OVERLAPPING_WRITES || theirWrites - theirsBefore < OVERLAPPING_WRITES); i++) {
        const batch = [mine[i % mine.length]!, mine[(i * 5 + 1) % mine.length]!].filter((v, k, a) => a.indexOf(v) === k);
        const classId = classes[(i + 1) % classes.length]!;
        const reply = await app.handle('labels.setClass', { imageIds: batch, classId });
        writes++;
        if (reply.ok) {
          updated += (reply.value as { updated: number }).updated;
          for (const id of batch) last[id] = classId;
        } else errors.push(`${reply.error.code}: ${reply.error.message}`);
        await new Promise((r) => setTimeout(r, 1)); // the child's turn at the lock, and its output in
      }
      const theirsDuring = theirWrites - theirsBefore;
      child.stdin.end('stop\n');
      expect(await exited, err).toBe(0);
      const report = JSON.parse(out.split('\n').filter((l) => l.startsWith('{')).at(-1)!) as WriterReport;

      expect(errors).toEqual([]);
      expect(report.errors).toEqual([]);
      // Both really wrote, many times, while the other was writing too.
      expect(writes).toBeGreaterThanOrEqual(OVERLAPPING_WRITES);
      expect(theirsDuring).toBeGreaterThanOrEqual(OVERLAPPING_WRITES);
      expect(report.writes).toBeGreaterThanOrEqual(theirsDuring);

      await app.close();
      const check = openDatabase(join(dir, 'project.sqlite'), { readonly: true });
      try {
        expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
        const current = new Map(
          (check.prepare("SELECT image_id, class_id FROM annotations WHERE kind = 'tag' AND source = 'human' AND deleted_at IS NULL").all() as { image_id: number; class_id: number }[]).map((r) => [r.image_id, r.class_id]),
        );
        for (const [id, cls] of Object.entries(last)) expect(current.get(Number(id)), `app image ${id}`).toBe(cls);
        for (const [id, cls] of Object.entries(report.last)) expect(current.get(Number(id)), `second writer image ${id}`).toBe(cls);
        // Every acknowledged change is in the history, under its writer's name.
        const byAuthor = Object.fromEntries(
          (check.prepare('SELECT author, count(*) AS n FROM annotation_history GROUP BY author').all() as { author: string; n: number }[]).map((r) => [r.author, r.n]),
        );
        expect(byAuthor).toEqual({ app: updated, 'second-writer': report.updated });
      } finally {
        check.close();
      }
    } finally {
      await app.close();
    }
  });
});
