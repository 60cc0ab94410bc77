import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { AppError, toErrorPayload } from '../api/errors';
import type { JobDone, JobProgress } from '../api/types';
import { finishJob, insertJob, saveJobProgress } from '../store';
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

  constructor(
    private readonly db: Database.Database,
    private readonly events: JobEvents,
    private readonly log: (msg: string, err?: unknown) => void = () => {},
  ) {}

  start<T>(kind: string, input: unknown, body: (ctx: JobContext) => Promise<T>): string {
    const jobId = randomUUID();
    insertJob(this.db, jobId, kind, input);
    const controller = new AbortController();
    const started = Date.now();
    let lastSent = 0;
    let latest: JobProgress | null = null;
    let timer: NodeJS.Timeout | null = null;
    // Once the job has ended, late progress (a worker's last message) is dropped: the project may be closed by then.
    let ended = false;

    const send = () => {
      timer = null;
      if (!latest) return;
      lastSent = Date.now();
      saveJobProgress(this.db, jobId, latest);
      this.events.progress(latest);
    };
    const onProgress = (u: ProgressUpdate) => {
      if (ended) return;
      const elapsed = (Date.now() - started) / 1000;
      const etaS = u.total > 0 && u.step > 0 ? Math.max(0, (elapsed / u.step) * (u.total - u.step)) : undefined;
      const phaseChanged = latest !== null && latest.phase !== u.phase;
      // A new phase (e.g. the end of an epoch) goes out at once: coalescing would drop it.
      if (phaseChanged && timer) {
        clearTimeout(timer);
        send();
      }
      latest = { jobId, kind, ...u, ...(etaS !== undefined ? { etaS: Math.round(etaS) } : {}) };
      const wait = PROGRESS_INTERVAL_MS - (Date.now() - lastSent);
      if (wait <= 0 || phaseChanged) send();
      else timer ??= setTimeout(send, wait);
    };

    const promise = (async () => {
      let done: JobDone;
      try {
        const result = await body({ signal: controller.signal, onProgress });
        const state = controller.signal.aborted ? 'cancelled' : 'done';
        finishJob(this.db, jobId, state, result, null);
        done = { jobId, kind, state, result };
      } catch (err) {
        const cancelled = controller.signal.aborted;
        // A job may explain its own cancel (e.g. how to resume); otherwise a plain "Cancelled."
        const ownCancel = err instanceof AppError && err.code === 'CANCELLED';
        const error = cancelled && !ownCancel ? { code: 'CANCELLED', message: 'Cancelled.' } : toErrorPayload(err);
        if (!cancelled && !(err instanceof AppError)) this.log(`job ${kind} ${jobId} failed`, err);
        finishJob(this.db, jobId, cancelled ? 'cancelled' : 'failed', undefined, error);
        done = { jobId, kind, state: cancelled ? 'cancelled' : 'failed', error };
      } finally {
        if (timer) clearTimeout(timer);
        if (latest) send();
        ended = true;
        this.running.delete(jobId);
      }
      this.events.done(done);
    })();
    this.running.set(jobId, { controller, promise, kind });
    return jobId;
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

  /** Resolves when the job has ended (any state); at once if it is not running. */
  async wait(jobId: string): Promise<void> {
    await this.running.get(jobId)?.promise;
  }

  /** Cancel everything and wait: used when a project closes. */
  async stopAll(): Promise<void> {
    for (const job of this.running.values()) job.controller.abort();
    await Promise.all([...this.running.values()].map((j) => j.promise));
  }
}
