import type { JobProgress } from './types';

/** What a job reports: the runner adds jobId/kind and the ETA, and throttles to ~5 Hz. */
export type ProgressUpdate = Pick<JobProgress, 'phase' | 'step' | 'total'> & { metrics?: Record<string, number>; message?: string };

/**
 * The part of a job's scope that the job itself uses (the job runner's JobScope implements it):
 * defined here, on the lowest floor, so that every room that does long work can take a JobContext
 * without importing the runner.
 */
export interface JobScopeHandle {
  /** False once the scope has closed: late callbacks check it and do nothing. */
  readonly alive: boolean;
  /** A timeout that never fires after the scope has closed (null once it has closed). */
  setTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout> | null;
  clearTimeout(t: ReturnType<typeof setTimeout> | null): void;
  /** Keep track of a promise the job started beside its main line of work; the scope waits for it to settle. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** Run `close` when the scope closes (terminate a worker, close a file); returns a function that forgets it again. */
  adopt(close: () => unknown): () => void;
}

/** The shape every long job has: cooperative cancel through the signal, progress through the callback. */
export interface JobContext {
  signal: AbortSignal;
  onProgress(update: ProgressUpdate): void;
  /**
   * The job's scope, when it runs under the job runner: worker threads and side tasks are adopted
   * or tracked here so that they are torn down before the job's end is recorded.
   */
  scope?: JobScopeHandle;
}
