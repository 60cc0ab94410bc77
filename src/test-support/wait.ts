/**
 * Waiting in tests: every wait has an explicit, generous limit and says what it waited for, so a
 * slow machine gives a failure that names the missing event instead of a bare test timeout, and
 * a job that ends without the awaited event fails at once instead of hanging.
 */
import type { AppApi, AppEvents, EventName } from '../api/contract';

/** The limit of one wait: long enough for a fully loaded 2-core machine. */
export const WAIT_LIMIT_MS = 180_000;

/** A test that waits on jobs: room for a couple of waits of WAIT_LIMIT_MS. */
export const JOB_TEST_TIMEOUT_MS = 3 * WAIT_LIMIT_MS;

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, what: string, ms = WAIT_LIMIT_MS): Promise<T> {
  let timer: NodeJS.Timeout;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms / 1000} s for ${what}, in vain`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * The first `event` whose payload `match`es. With `jobId`, the job ending first (its jobDone)
 * rejects, naming its state and error.
 */
export function nextEvent<E extends EventName>(
  api: Pick<AppApi, 'on'>,
  event: E,
  match: (payload: AppEvents[E]) => boolean,
  what: string,
  options: { jobId?: string; ms?: number } = {},
): Promise<AppEvents[E]> {
  const offs: (() => void)[] = [];
  const seen = new Promise<AppEvents[E]>((resolve, reject) => {
    offs.push(
      api.on(event, (payload) => {
        if (match(payload)) resolve(payload);
      }),
    );
    if (options.jobId !== undefined) {
      offs.push(
        api.on('jobDone', (done) => {
          if (done.jobId === options.jobId && !(event === 'jobDone' && match(done as AppEvents[E]))) {
            reject(new Error(`job ${done.jobId} ended (${done.state}${done.error ? `: ${done.error.message}` : ''}) before ${what}`));
          }
        }),
      );
    }
  });
  return within(seen, what, options.ms).finally(() => offs.forEach((off) => off()));
}
