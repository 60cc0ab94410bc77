import type { JobProgress } from '../api/types';
import type { JobScope } from './scope';

/** What a job reports: the runner adds jobId/kind and the ETA, and throttles to ~5 Hz. */
export type ProgressUpdate = Pick<JobProgress, 'phase' | 'step' | 'total'> & { metrics?: Record<string, number>; message?: string };

/** The shape every long job has: cooperative cancel through the signal, progress through the callback. */
export interface JobContext {
  signal: AbortSignal;
  onProgress(update: ProgressUpdate): void;
  /**
   * The job's scope, when it runs under the job runner: worker threads and side tasks are adopted
   * or tracked here so that they are torn down before the job's end is recorded.
   */
  scope?: JobScope;
}
