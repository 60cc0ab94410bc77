/**
 * The other WebGPU route: Dawn's Node binding (npm `webgpu`, prebuilt dawn.node for Linux, Windows
 * and macOS) gives `navigator.gpu` to Node itself, so tfjs' WebGPU backend could run in the
 * training worker thread with no Electron window at all. It is not a dependency: `npm install
 * --no-save webgpu@0.6.2` to measure it, skipped otherwise. The same runBench() as the Chromium
 * page, in a child process (Dawn's globals stay out of the bench runner). Where Dawn finds no
 * adapter and VK_ICD_FILENAMES is unset, it tries once more on Chromium's SwiftShader Vulkan driver.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { locateWasmDir } from '../../src/training/backend/wasm-files.js';
import { report } from '../stats';
import type { BackendResult } from './page';
import { reportResults } from './report';

const DAWN_PACKAGE = 'webgpu';
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const MARK = 'DAWN_RESULT ';

type Adapter = { vendor: string; architecture: string; description: string; isFallbackAdapter?: boolean };
type ChildResult =
  | { status: 'not-installed'; message: string }
  | { status: 'no-adapter' }
  | { status: 'ok'; adapter: Adapter; results: BackendResult[] };

interface Dawn {
  create(flags: string[]): { requestAdapter(options?: object): Promise<{ info: Adapter } | null> };
  globals: Record<string, unknown>;
}

async function child(batch: number, steps: number): Promise<ChildResult> {
  let dawn: Dawn;
  try {
    const specifier: string = DAWN_PACKAGE; // not a dependency: no literal for the typechecker to require
    dawn = (await import(specifier)) as Dawn;
  } catch (error) {
    return { status: 'not-installed', message: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return { status: 'no-adapter' };
  Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
  const { runBench } = await import('./page'); // after navigator.gpu: the webgpu backend registers on load
  const results = await runBench({ batch, steps, wasmPrefix: locateWasmDir() });
  const { architecture, vendor, description, isFallbackAdapter } = adapter.info;
  return { status: 'ok', adapter: { vendor, architecture, description, isFallbackAdapter }, results };
}

function runChild(batch: number, steps: number, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((done, reject) => {
    const args = [join(import.meta.dirname, '../../bin/run-ts.js'), import.meta.filename, '--child', String(batch), String(steps)];
    const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (err += b.toString()));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MARK));
      if (line) done(JSON.parse(line.slice(MARK.length)) as ChildResult);
      else reject(new Error(`dawn bench child exited with ${code}: ${err.split('\n').slice(-5).join('\n')}`));
    });
  });
}

export async function benchDawn(options: { batch?: number; steps?: number } = {}): Promise<void> {
  const batch = options.batch ?? 64;
  const steps = options.steps ?? 10;
  let icd = process.env.VK_ICD_FILENAMES ?? 'system';
  let result = await runChild(batch, steps, process.env);
  if (result.status === 'no-adapter' && !process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    icd = SWIFTSHADER_ICD;
    result = await runChild(batch, steps, { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD });
  }
  if (result.status === 'not-installed') {
    console.log(`[webgpu dawn] skipped: Dawn for Node is not installed (${result.message}); ` +
      `\`npm install --no-save ${DAWN_PACKAGE}@0.6.2\` to measure this route`);
    return;
  }
  if (result.status === 'no-adapter') {
    console.log('[webgpu dawn] skipped: Dawn found no WebGPU adapter (no Vulkan/Metal/D3D12 device it can use)');
    return;
  }
  const a = result.adapter;
  report('webgpu dawn adapter', {
    'vulkan icd': icd, vendor: a.vendor, architecture: a.architecture, description: a.description || '-',
    fallback: String(a.isFallbackAdapter ?? '-'),
  });
  reportResults('webgpu dawn', result.results, batch);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    console.log(MARK + JSON.stringify(await child(Number(argv[1]), Number(argv[2]))));
    process.exit(0); // Dawn's device keeps the event loop alive
  }
  await benchDawn();
}
