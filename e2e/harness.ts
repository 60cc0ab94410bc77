import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '..');

/** Debian's Chromium (apt install chromium), or CHROMIUM_PATH. Playwright's own browsers cannot be downloaded here. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: install Debian's chromium or set CHROMIUM_PATH`);
  return path;
}

export interface Studio {
  /** The URL with the access token, as `apprentice serve` printed it. */
  url: string;
  /** The folder `serve` was started on: projects are created inside it. */
  workspace: string;
  /** A scratch folder beside the workspace for test data (images to import). */
  scratch: string;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** Start the real `apprentice serve` on a fresh workspace, and Chromium on its URL. */
export async function startStudio(): Promise<Studio> {
  const root = mkdtempSync(join(tmpdir(), 'apprentice-e2e-'));
  const workspace = join(root, 'workspace');
  const scratch = join(root, 'scratch');
  const server: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/apprentice.js'), 'serve', workspace, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr!.on('data', (c) => (stderr += c));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
    createInterface({ input: server.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolveUrl((JSON.parse(line) as { url: string }).url);
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (err) => console.error('page error:', err.message));
  await page.goto(url);
  return {
    url,
    workspace,
    scratch,
    browser,
    page,
    async close() {
      await browser.close();
      server.kill('SIGTERM');
      await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
