import type { JobScopeHandle } from '../api/job-context';

/**
 * Everything one job started that must stop before the job's end is recorded: its timers, its
 * worker threads and other resources (as close functions), and sibling promises it left running.
 * The runner closes the scope after the job body settles and before it writes the end state,
 * so nothing of a job runs after it has ended and the project may close safely afterwards.
 */
export class JobScope implements JobScopeHandle {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly closers = new Set<() => unknown>();
  private closed = false;

  /** False once the scope has closed: late callbacks check it and do nothing. */
  get alive(): boolean {
    return !this.closed;
  }

  /** A timeout that never fires after the scope has closed. */
  setTimeout(fn: () => void, ms: number): NodeJS.Timeout | null {
    if (this.closed) return null;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  clearTimeout(t: NodeJS.Timeout | null): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  /** Keep track of a promise the job started beside its main line of work; close() waits for it to settle. */
  track<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.tasks.add(settled);
    void settled.then(() => this.tasks.delete(settled));
    return promise;
  }

  /**
   * Run `close` when the scope closes (terminate a worker, close a file) and wait for it. Returns a
   * function that forgets it again, for resources the job already released itself. On a scope
   * that has already closed, `close` runs at once.
   */
  adopt(close: () => unknown): () => void {
    if (this.closed) {
      this.track(Promise.resolve().then(close));
      return () => {};
    }
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  /** Stop the timers, release what was adopted, and wait for every tracked promise. Never throws. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closers = [...this.closers];
    this.closers.clear();
    await Promise.allSettled(closers.map((c) => Promise.resolve().then(c)));
    // A tracked promise may itself track more (a pool refilling itself): wait until none are left.
    while (this.tasks.size) await Promise.allSettled([...this.tasks]);
  }
}
