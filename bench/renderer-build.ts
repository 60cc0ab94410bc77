// Benches that drive the studio in Chromium need the built renderer (out/renderer), which a fresh
// checkout does not have: build it when it is missing or older than its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
/** What the renderer bundle is made of: its own folder, the API it shares with the core, the build config. */
const SOURCES = ['renderer', 'src/api', 'electron.vite.config.ts'];
const BUILT = join(ROOT, 'out/renderer/index.html');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** Why the renderer must be built now, or null when out/renderer is up to date. */
export function rendererBuildReason(): string | null {
  if (!existsSync(BUILT)) return 'out/renderer is missing';
  const built = statSync(BUILT).mtimeMs;
  for (const source of SOURCES) {
    const path = join(ROOT, source);
    if (existsSync(path) && newestMtime(path) > built) return `${source} changed since the last build`;
  }
  return null;
}

/** Run `electron-vite build` (as `npm run build` does) when the built renderer is missing or stale. */
export function ensureRendererBuilt(): void {
  const reason = rendererBuildReason();
  if (!reason) return;
  console.log(`[bench] building the studio (${reason}): electron-vite build`);
  const bin = join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js');
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`electron-vite build failed (exit ${r.status ?? r.signal}): the Chromium benches need the built studio`);
  if (!existsSync(BUILT)) throw new Error('electron-vite build finished but out/renderer/index.html is missing');
}
