import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseTrainingBackend, nativeLoadFailure, nativeOutcome, selectTrainingBackend } from './select.js';

const NATIVE = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
const NATIVE_FIRST = ['tensorflow-gpu', 'tensorflow', 'wasm'] as const;

/** Whether Node finds the package from here (npm drops both where libtensorflow cannot be downloaded). */
function installed(specifier: string): boolean {
  try {
    createRequire(import.meta.url).resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

describe('selectTrainingBackend', () => {
  it('activates the fastest available backend and names it', async () => {
    const info = await selectTrainingBackend();
    expect(tf.getBackend()).toBe(info.tfBackend);
    expect(info.name.length).toBeGreaterThan(0);
    expect(info.replicas).toBeGreaterThanOrEqual(1);
    // Each kind tried before the chosen one is listed with the reason it was skipped.
    const order = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
    expect(info.skipped.map((s) => s.kind)).toEqual(order.slice(0, order.indexOf(info.kind)));
    if (info.kind === 'wasm') {
      // Without native TensorFlow (as in CI), wasm must be trainable: our kernels are installed.
      expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
      expect(info.name).toMatch(/WebAssembly/);
    }
  });

  it('returns the same answer to later calls in the same thread', async () => {
    const first = await selectTrainingBackend();
    expect(await selectTrainingBackend({ order: ['cpu'] })).toBe(first);
  });
});

describe('chooseTrainingBackend with the native packages missing or broken', () => {
  // These tests switch the thread's backend; put back what the memoised selection chose.
  afterEach(async () => {
    await tf.setBackend((await selectTrainingBackend()).tfBackend);
  });

  it.skipIf(NATIVE.some(installed))('says a native package npm dropped is not installed and trains on wasm', async () => {
    // Real module resolution: Node's own import() of the optionalDependencies npm left out.
    const info = await chooseTrainingBackend({ order: [...NATIVE_FIRST] });
    expect(info.kind).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped).toEqual([
      { kind: 'tensorflow-gpu', reason: expect.stringMatching(/^@tensorflow\/tfjs-node-gpu is not installed \(an optional dependency/) },
      { kind: 'tensorflow', reason: expect.stringMatching(/^@tensorflow\/tfjs-node is not installed \(an optional dependency/) },
    ]);
  });

  it('falls back to wasm with the load error when a package is present but throws on import', async () => {
    // What tfjs-node 4.22's dist/index.js throws when its install script could not fetch the addon.
    const addonMissing = (specifier: string) =>
      new Error(`The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/node_modules/${specifier}/lib/napi-v8/tfjs_binding.node.`);
    const tried: string[] = [];
    const info = await chooseTrainingBackend({
      order: [...NATIVE_FIRST],
      importPackage: (specifier) => {
        tried.push(specifier);
        return Promise.reject(addonMissing(specifier));
      },
    });
    expect(tried).toEqual([...NATIVE]);
    expect(info.kind).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped.map((s) => s.kind)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(info.skipped[0]!.reason).toBe(`@tensorflow/tfjs-node-gpu is installed but failed to load: ${addonMissing(NATIVE[0]).message}`);
    expect(info.skipped[1]!.reason).toBe(`@tensorflow/tfjs-node is installed but failed to load: ${addonMissing(NATIVE[1]).message}`);
  });

  it('counts a missing file or dependency inside the package as a broken install, not an absent one', () => {
    const inner = Object.assign(
      new Error("Cannot find module '@mapbox/node-pre-gyp'\nRequire stack:\n- /x/node_modules/@tensorflow/tfjs-node/dist/index.js"),
      { code: 'MODULE_NOT_FOUND' },
    );
    expect(nativeLoadFailure('@tensorflow/tfjs-node', inner)).toMatch(/^@tensorflow\/tfjs-node is installed but failed to load: Cannot find module '@mapbox/);
    const absent = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node' imported from /x/select.ts"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(nativeLoadFailure('@tensorflow/tfjs-node', absent)).toMatch(/^@tensorflow\/tfjs-node is not installed/);
    // The GPU package's name starts with the CPU one's: a missing GPU package is not the CPU one missing.
    const gpuAbsent = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node-gpu' imported from /x/select.ts"), { code: 'ERR_MODULE_NOT_FOUND' });
    expect(nativeLoadFailure('@tensorflow/tfjs-node', gpuAbsent)).toMatch(/is installed but failed to load/);
  });

  it('reports the GPU package without a usable CUDA device as native TensorFlow on the CPU', () => {
    expect(nativeOutcome('tensorflow-gpu', true, 8)).toEqual({
      info: { kind: 'tensorflow-gpu', tfBackend: 'tensorflow', replicas: 1, name: 'TensorFlow on the NVIDIA GPU (CUDA)' },
    });
    const noGpu = nativeOutcome('tensorflow-gpu', false, 8);
    expect(noGpu.info).toEqual({ kind: 'tensorflow', tfBackend: 'tensorflow', replicas: 1, name: 'TensorFlow native on 8 CPU cores' });
    expect(noGpu.skippedGpu).toMatch(/found no usable CUDA GPU.*CUDA 11\.2 and cuDNN 8\.1/);
    expect(nativeOutcome('tensorflow', false, 1)).toEqual({
      info: { kind: 'tensorflow', tfBackend: 'tensorflow', replicas: 1, name: 'TensorFlow native on 1 CPU core' },
    });
  });
});
