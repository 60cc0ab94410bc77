/**
 * Starting a replica worker thread from wherever this code runs.
 *
 * - From TypeScript sources (tsx, vitest): the entry is worker-entry.ts and the worker needs the tsx
 *   loader, so it is started with `--import <tsx loader>` (resolved from this package's
 *   node_modules, so the working directory does not matter).
 * - From compiled JavaScript: the entry is worker-entry.js beside this file, started as is.
 * - A bundler that moves files (electron-vite) should build worker-entry.ts as its own entry and
 *   pass its URL as `workerUrl`.
 *
 * A replica takes most of a second to start (tfjs and its wasm engine load in the new thread), so a
 * run can start them early with `prewarmReplicaWorkers`, while it is still loading its images;
 * `spawnReplicaWorker` then hands out a warm one with the same entry and data, and
 * `releaseWarmReplicaWorkers` stops those nobody took.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface ReplicaWorkerOptions {
  workerUrl?: URL;
  workerData?: unknown;
}

/** Started ahead of use, by what they were started with (entry URL and workerData). */
const warm = new Map<string, Worker[]>();

function entryUrl(options: ReplicaWorkerOptions): URL {
  const fromSource = import.meta.url.endsWith('.ts');
  return options.workerUrl ?? new URL(fromSource ? './worker-entry.ts' : './worker-entry.js', import.meta.url);
}

function warmKey(options: ReplicaWorkerOptions): string {
  return `${entryUrl(options).href} ${JSON.stringify(options.workerData ?? null)}`;
}

function startWorker(options: ReplicaWorkerOptions): Worker {
  const url = entryUrl(options);
  const execArgv = url.pathname.endsWith('.ts') ? ['--import', tsxLoaderUrl()] : [];
  return new Worker(url, { execArgv, workerData: options.workerData });
}

export function spawnReplicaWorker(options: ReplicaWorkerOptions = {}): Worker {
  return warm.get(warmKey(options))?.shift() ?? startWorker(options);
}

/** Start `count` replica workers now, for a spawnReplicaWorker call with the same options later. */
export function prewarmReplicaWorkers(count: number, options: ReplicaWorkerOptions = {}): void {
  const key = warmKey(options);
  const list = warm.get(key) ?? [];
  warm.set(key, list);
  while (list.length < count) {
    const worker = startWorker(options);
    // A warm worker that fails before it is taken is dropped; whoever takes one sees its own errors.
    worker.once('exit', () => {
      const at = list.indexOf(worker);
      if (at >= 0) list.splice(at, 1);
    });
    list.push(worker);
  }
}

/** How many warm workers are waiting (for tests and diagnostics). */
export function warmReplicaWorkerCount(): number {
  return [...warm.values()].reduce((n, list) => n + list.length, 0);
}

/** Stop the warm workers nobody took (a run that ended early, or used fewer replicas). */
export async function releaseWarmReplicaWorkers(): Promise<void> {
  const all = [...warm.values()].flat();
  warm.clear();
  await Promise.all(all.map((w) => w.terminate()));
}

function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve('tsx')).href;
}
