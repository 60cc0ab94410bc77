import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { JobRunner } from './runner';
import { createProject, getJob, openDatabase, paletteColor, type ProjectHandle } from '../store';
import { tempDir } from '../test-support/fixtures';
import type { JobDone, JobProgress } from '../api/types';

let handle: ProjectHandle | null = null;
let cleanup = () => {};
afterEach(() => {
  handle?.close();
  cleanup();
});

function setup() {
  const t = tempDir();
  cleanup = t.cleanup;
  handle = createProject(join(t.dir, 'p'), 'classify', [], paletteColor);
  const progress: JobProgress[] = [];
  const done: JobDone[] = [];
  const runner = new JobRunner(handle.db, { progress: (p) => progress.push(p), done: (d) => done.push(d) });
  return { runner, progress, done, db: handle.db };
}

describe('job runner', () => {
  test('coalesces progress within a phase but never drops a phase change or the last update', async () => {
    const { runner, progress, done, db } = setup();
    const id = runner.start('demo', {}, async (ctx) => {
      for (let i = 1; i <= 1000; i++) ctx.onProgress({ phase: 'work', step: i, total: 1000 });
      ctx.onProgress({ phase: 'epoch', step: 1, total: 1 });
      for (let i = 1; i <= 1000; i++) ctx.onProgress({ phase: 'work', step: i, total: 1000 });
      return { answer: 42 };
    });
    await runner.wait(id);
    expect(progress.length).toBeLessThan(10);
    expect(progress.map((p) => p.phase)).toContain('epoch');
    expect(progress.at(-1)).toMatchObject({ phase: 'work', step: 1000 });
    expect(done).toEqual([{ jobId: id, kind: 'demo', state: 'done', result: { answer: 42 } }]);
    expect(getJob(db, id)).toMatchObject({ state: 'done', result: { answer: 42 } });
  });

  test('cancel ends a job as cancelled, keeping what it returned; failures keep a user message', async () => {
    const { runner, done, db } = setup();
    const id = runner.start('slow', {}, async (ctx) => {
      let steps = 0;
      while (!ctx.signal.aborted) {
        await new Promise((r) => setTimeout(r, 5));
        steps++;
      }
      return { steps };
    });
    setTimeout(() => runner.cancel(id), 30);
    await runner.wait(id);
    expect(getJob(db, id)!.state).toBe('cancelled');
    expect((getJob(db, id)!.result as { steps: number }).steps).toBeGreaterThan(0);
    const bad = runner.start('bad', {}, async () => {
      throw new Error('secret internals');
    });
    await runner.wait(bad);
    expect(getJob(db, bad)!.error).toEqual({ code: 'INTERNAL', message: expect.not.stringContaining('secret') });
    expect(done.map((d) => d.state)).toEqual(['cancelled', 'failed']);
  });

  test('progress reported after a job ended is dropped, so a closed project is never written to', async () => {
    const { runner, progress } = setup();
    let late: ((u: { phase: string; step: number; total: number }) => void) | null = null;
    const id = runner.start('quick', {}, async (ctx) => {
      ctx.onProgress({ phase: 'work', step: 1, total: 2 });
      late = ctx.onProgress;
      return null;
    });
    await runner.wait(id);
    const seen = progress.length;
    handle!.close();
    handle = null;
    late!({ phase: 'work', step: 2, total: 2 });
    late!({ phase: 'other', step: 1, total: 1 });
    await new Promise((r) => setTimeout(r, 300)); // a throttled send would fire (and throw) here
    expect(progress.length).toBe(seen);
  });
  test('a job whose work blocks the event loop past the interval leaves no timer behind to write after its end', async () => {
    const { runner, progress, done } = setup();
    const order: string[] = [];
    const id = runner.start('blocking', {}, async (ctx) => {
      ctx.onProgress({ phase: 'work', step: 1, total: 3 }); // goes out at once
      ctx.onProgress({ phase: 'work', step: 2, total: 3 }); // coalesced: a send is scheduled
      const until = Date.now() + 400;
      while (Date.now() < until); // synchronous work overruns the interval
      ctx.onProgress({ phase: 'work', step: 3, total: 3 }); // goes out at once: the scheduled send must go too
      return null;
    });
    const onDone = runner.wait(id).then(() => order.push('done'));
    await onDone;
    const seen = progress.length;
    // The CLI closes the project as soon as the job is done: an orphaned timer would now write to a closed database.
    handle!.close();
    handle = null;
    await new Promise((r) => setTimeout(r, 500)); // well past the throttle interval
    expect(progress.length).toBe(seen);
    expect(done.map((d) => d.state)).toEqual(['done']);
    expect(progress.at(-1)).toMatchObject({ step: 3 });
  });

  test('when the end of a job cannot be written, the job still ends, is announced as failed, and stopAll resolves', async () => {
    const { runner, done, db } = setup();
    const id = runner.start('doomed', {}, async (ctx) => {
      ctx.onProgress({ phase: 'work', step: 1, total: 2 });
      db.pragma('query_only = ON'); // from here every write fails, as on a read-only or full disk
      ctx.onProgress({ phase: 'work', step: 2, total: 2 });
      return { ok: true };
    });
    const ended = await runner.wait(id);
    expect(ended).toMatchObject({ state: 'failed', error: { code: 'IO_ERROR', message: expect.stringContaining('could not be saved') } });
    expect(done).toEqual([ended]);
    expect(runner.isRunning(id)).toBe(false);
    await expect(runner.stopAll()).resolves.toBeUndefined();
    db.pragma('query_only = OFF');
  });

  test('the job scope tears down side tasks, adopted resources and timers before the end is recorded', async () => {
    const { runner, db } = setup();
    const events: string[] = [];
    let timerFired = false;
    const id = runner.start('sides', {}, async (ctx) => {
      // A side task that outlives the body, a resource to release, a timer the body forgot.
      ctx.scope!.track(new Promise<void>((r) => setTimeout(() => (events.push('side task ended'), r()), 100)));
      ctx.scope!.adopt(() => events.push('resource released'));
      ctx.scope!.setTimeout(() => (timerFired = true), 50);
      return null;
    });
    const state = () => (getJob(db, id)?.state === 'running' ? 'still running' : 'recorded');
    expect(state()).toBe('still running');
    await runner.wait(id);
    events.push(`job ${state()}`);
    expect(events).toEqual(['resource released', 'side task ended', 'job recorded']);
    await new Promise((r) => setTimeout(r, 100));
    expect(timerFired).toBe(false);
  });
  test('while another connection holds the write lock, progress is skipped and the end waits for the lock without freezing the thread', async () => {
    const { runner, progress, db } = setup();
    const other = openDatabase(handle!.paths.database);
    try {
      const id = runner.start('beside-a-writer', {}, async (ctx) => {
        other.exec('BEGIN IMMEDIATE'); // another process starts writing
        // Released by a timer: it can only fire if the runner never blocks the event loop waiting for the lock.
        setTimeout(() => other.exec('COMMIT'), 300);
        ctx.onProgress({ phase: 'work', step: 1, total: 1 });
        return { ok: true };
      });
      const ended = await runner.wait(id);
      expect(ended).toMatchObject({ state: 'done', result: { ok: true } });
      expect(getJob(db, id)).toMatchObject({ state: 'done', result: { ok: true } });
      expect(progress.length).toBeGreaterThan(0); // progress still went out to listeners
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  });
  test('a job started while another connection holds the write lock is recorded once the lock is free, without freezing the thread', async () => {
    const { runner, db } = setup();
    const other = openDatabase(handle!.paths.database);
    try {
      other.exec('BEGIN IMMEDIATE');
      setTimeout(() => other.exec('COMMIT'), 300); // fires only if start() does not block the event loop
      const id = runner.start('late-record', {}, async () => ({ ok: true }));
      expect(await runner.wait(id)).toMatchObject({ state: 'done' });
      expect(getJob(db, id)).toMatchObject({ kind: 'late-record', state: 'done', result: { ok: true } });
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
    }
  });
});
