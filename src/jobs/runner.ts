import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError, toErrorPayload } from '../api/errors';
import type { JobDone, JobProgress } from '../api/types';
import { finishJob, insertJob, saveJobProgress, withWriteLock, writeIfFree } from '../store';
import { JobScope } from './scope';
import type { JobContext, ProgressUpdate } from './types';

export interface JobEvents {
  progress(p: JobProgress): void;
  done(d: JobDone): void;
}

/**
 * Progress goes out at most this often within a phase; the first update of a new phase and the
 * last update before the end always go out.
 */
const PROGRESS_INTERVAL_MS = 200;
/** How many ended jobs' outcomes are kept in memory for `wait`. */
const KEEP_FINISHED = 100;

interface Running {
  controller: AbortController;
  promise: Promise<void>;
}

/**
 * Runs long jobs one record each in the jobs table: progress throttled to ~5 Hz, cancel through
 * an AbortSignal, the end state (done, failed with a message, cancelled with what was done so
 * far) recorded and announced. The job body decides where its heavy work runs (sharp's thread
 * pool, a worker thread): the runner itself never blocks.
 */
export class JobRunner {
  private running = new Map<string, Running & { kind: string }>();
  private finished = new Map<string, JobDone>();

  constructor(
    private readonly db: Database.Database,
    private readonly events: JobEvents,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  start<T>(kind: string, input: unknown, body: (ctx: JobContext) => Promise<T>): string {
    const jobId = randomUUID();
    // The job's record is written at once when the project is free; while another process holds
    // the write lock it is written (waiting on a timer) before the job's work begins, so starting a
    // job never freezes the thread.
    const recordedAtStart = writeIfFree(this.db, () => insertJob(this.db, jobId, kind, input));
    const controller = new AbortController();
    const scope = new JobScope();
    const started = Date.now();
    let lastSent = 0;
    let latest: JobProgress | null = null;
    // The one pending throttled send, if any: every path that sends clears it first, so a
    // second timer is never started beside an orphaned first one.
    let timer: NodeJS.Timeout | null = null;
    // Once the job has ended, late progress (a worker's last message) is dropped: the project may be closed by then.
    let ended = false;

    const send = () => {
      scope.clearTimeout(timer);
      timer = null;
      if (ended || !latest) return;
      lastSent = Date.now();
      try {
        // Skipped while another process holds the write lock (the next update supersedes it):
        // waiting here would freeze every request of this thread.
        const update = latest;
        writeIfFree(this.db, () => saveJobProgress(this.db, jobId, update));
      } catch (err) {
        // Progress is advisory: a full disk must not turn into an uncaught exception in a timer.
        this.log(`job ${kind} ${jobId}: progress could not be saved`, err);
      }
      this.emitSafely(() => this.events.progress(latest!));
    };
    const onProgress = (u: ProgressUpdate) => {
      if (ended || !scope.alive) return;
      const elapsed = (Date.now() - started) / 1000;
      const etaS = u.total > 0 && u.step > 0 ? Math.max(0, (elapsed / u.step) * (u.total - u.step)) : undefined;
      const phaseChanged = latest !== null && latest.phase !== u.phase;
      // A new phase (e.g. the end of an epoch) goes out at once: coalescing would drop it.
      if (phaseChanged && timer) send();
      latest = { jobId, kind, ...u, ...(etaS !== undefined ? { etaS: Math.round(etaS) } : {}) };
      const wait = PROGRESS_INTERVAL_MS - (Date.now() - lastSent);
      if (wait <= 0 || phaseChanged) send();
      else timer ??= scope.setTimeout(send, wait);
    };

    const promise = (async () => {
      let outcome: { state: 'done' | 'cancelled'; result: T } | { state: 'failed' | 'cancelled'; error: { code: string; message: string } };
      try {
        if (!recordedAtStart) await withWriteLock(this.db, () => insertJob(this.db, jobId, kind, input));
        const result = await body({ signal: controller.signal, onProgress, scope });
        outcome = { state: controller.signal.aborted ? 'cancelled' : 'done', result };
      } catch (err) {
        const cancelled = controller.signal.aborted;
        // A job may explain its own cancel (e.g. how to resume); otherwise a plain "Cancelled."
        const ownCancel = err instanceof AppError && err.code === 'CANCELLED';
        const error = cancelled && !ownCancel ? { code: 'CANCELLED', message: 'Cancelled.' } : toErrorPayload(err);
        if (!cancelled && !(err instanceof AppError)) this.log(`job ${kind} ${jobId} failed`, err);
        outcome = { state: cancelled ? 'cancelled' : 'failed', error };
      }
      // Tear down everything the job started (side tasks, workers, timers) before its end is
      // recorded: after this point nothing of the job runs.
      controller.abort();
      await scope.close();
      if (latest) send();
      ended = true;
      const done: JobDone = 'error' in outcome ? { jobId, kind, state: outcome.state, error: outcome.error } : { jobId, kind, state: outcome.state, result: outcome.result };
      const recorded = await this.record(done);
      this.finished.set(jobId, recorded);
      if (this.finished.size > KEEP_FINISHED) this.finished.delete(this.finished.keys().next().value!);
      this.running.delete(jobId);
      this.emitSafely(() => this.events.done(recorded));
    })();
    this.running.set(jobId, { controller, promise, kind });
    return jobId;
  }

  /**
   * Write a job's end state. When that write fails (a full disk, a read-only file) the job is
   * still ended and announced, as failed with the reason, so nobody waits for it forever; the
   * jobs table keeps "running" and the next open marks it interrupted.
   */
  private async record(done: JobDone): Promise<JobDone> {
    try {
      // Waits for the write lock without blocking the thread when another process is writing.
      await withWriteLock(this.db, () => finishJob(this.db, done.jobId, done.state, done.result, done.error ?? null));
      return done;
    } catch (err) {
      this.log(`job ${done.kind} ${done.jobId}: its end could not be recorded`, err);
      const reason = (err as Error)?.message ?? String(err);
      return { jobId: done.jobId, kind: done.kind, state: 'failed', error: { code: 'IO_ERROR', message: `The job ended (${done.state}) but its end could not be saved in the project: ${reason}.` } };
    }
  }

  /** A listener that throws must not break the runner's bookkeeping. */
  private emitSafely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log('a job event listener failed', err);
    }
  }

  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.controller.abort();
    return true;
  }

  runningKinds(): string[] {
    return [...this.running.values()].map((r) => r.kind);
  }

  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Resolves when the job has ended (any state) with how it ended; null for a job this runner does not know. */
  async wait(jobId: string): Promise<JobDone | null> {
    await this.running.get(jobId)?.promise;
    return this.finished.get(jobId) ?? null;
  }

  /** Cancel everything and wait until every job has ended and torn down: used when a project closes. Never rejects. */
  async stopAll(): Promise<void> {
    for (const job of this.running.values()) job.controller.abort();
    await Promise.allSettled([...this.running.values()].map((j) => j.promise));
  }
}
