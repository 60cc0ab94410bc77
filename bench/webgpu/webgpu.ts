/**
 * Is `@tensorflow/tfjs-backend-webgpu` a second GPU route (for GPUs tfjs-node-gpu cannot reach:
 * cards that need CUDA 12, Apple, AMD, Intel)? Two ways in: Debian's Chromium (what an Electron
 * hidden window would be) trains the small CNN in one page on cpu, wasm with our kernels and
 * webgpu (gradients of one batch against cpu's, and img/s); then dawn.ts does the same in Node.
 * With no WebGPU adapter each says so and skips. On a machine without a GPU the only adapter is
 * SwiftShader (Vulkan emulated on the CPU): the figures then say whether the route trains
 * correctly, not how fast a GPU would be.
 * `npm run bench -- webgpu` (or `node bin/run-ts.js bench/webgpu/webgpu.ts --steps 10`).
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumPath } from '../../e2e/harness';
import { locateWasmDir } from '../../src/training/backend/wasm-files.js';
import { report } from '../stats';
import { benchDawn } from './dawn';
import { reportResults } from './report';
import type { BackendResult, PageOptions } from './page';

/** Chromium exposes WebGPU on Linux only behind this flag; no --disable-gpu (it removes the adapter). */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--enable-unsafe-webgpu',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

async function bundlePage(): Promise<string> {
  const out = await build({
    entryPoints: [join(import.meta.dirname, 'page.ts')],
    bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'error',
  });
  return out.outputFiles[0]!.text;
}

/** Serves the page, its bundle and tfjs' wasm files on 127.0.0.1 (WebGPU needs a secure context). */
async function serve(bundle: string): Promise<{ server: Server; url: string }> {
  const wasmDir = locateWasmDir();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/') {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><script type="module" src="/bundle.js"></script>');
    } else if (path === '/bundle.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end(bundle);
    } else if (path.startsWith('/wasm/') && path.endsWith('.wasm')) {
      readFile(join(wasmDir, normalize(path.slice('/wasm/'.length)).replace(/^(\.\.[/\\])+/, ''))).then(
        (bytes) => { res.setHeader('content-type', 'application/wasm'); res.end(bytes); },
        () => { res.statusCode = 404; res.end(); },
      );
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

/** Both routes: a Chromium page (an Electron hidden window), then Dawn in Node (an Electron utility or worker). */
export async function benchWebgpu(options: { batch?: number; steps?: number } = {}): Promise<void> {
  await benchChromium(options.batch ?? 64, options.steps ?? 10);
  await benchDawn(options);
}

async function benchChromium(batch: number, steps: number): Promise<void> {
  const { server, url } = await serve(await bundlePage());
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(url);
    await page.waitForFunction('typeof globalThis.runBench === "function"');
    const adapter = await page.evaluate(`(async () => {
      const a = navigator.gpu && await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
      return a ? { vendor: a.info.vendor, architecture: a.info.architecture, description: a.info.description, fallback: a.info.isFallbackAdapter } : null;
    })()`) as { vendor: string; architecture: string; description: string; fallback: boolean } | null;
    if (!adapter) {
      console.log(`[webgpu chromium] skipped: this Chromium (${browser.version()}) offers no WebGPU adapter ` +
        '(navigator.gpu missing or requestAdapter() returned null); nothing to measure');
      return;
    }
    report('webgpu chromium adapter', {
      chromium: browser.version(), vendor: adapter.vendor, architecture: adapter.architecture,
      description: adapter.description || '-', fallback: String(adapter.fallback),
    });
    const pageOptions: PageOptions = { batch, steps, wasmPrefix: `${url}wasm/` };
    const results = await page.evaluate(`globalThis.runBench(${JSON.stringify(pageOptions)})`) as BackendResult[];
    reportResults('webgpu chromium', results, batch);
  } finally {
    await browser.close();
    server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const arg = (name: string) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : undefined);
  await benchWebgpu({ batch: arg('batch'), steps: arg('steps') });
}
