/**
 * Starting a replica worker thread from wherever this code runs.
 *
 * - From TypeScript sources (tsx, vitest): the entry is worker-entry.ts and the worker needs the tsx
 *   loader, so it is started with `--import <tsx loader>` (resolved from this package's
 *   node_modules, so the working directory does not matter).
 * - From compiled JavaScript: the entry is worker-entry.js beside this file, started as is.
 * - A bundler that moves files (electron-vite) should build worker-entry.ts as its own entry and
 *   pass its URL as `workerUrl`.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export function spawnReplicaWorker(options: { workerUrl?: URL; workerData?: unknown } = {}): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = options.workerUrl ?? new URL(fromSource ? './worker-entry.ts' : './worker-entry.js', import.meta.url);
  const execArgv = url.pathname.endsWith('.ts') ? ['--import', tsxLoaderUrl()] : [];
  return new Worker(url, { execArgv, workerData: options.workerData });
}

function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve('tsx')).href;
}
