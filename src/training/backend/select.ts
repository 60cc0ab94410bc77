/**
 * Chooses the tfjs backend that trains fastest on this machine, once per thread, and says which one
 * it chose in words a user understands (the UI shows it next to every training job).
 *
 * Order: `@tensorflow/tfjs-node-gpu` (CUDA) -> `@tensorflow/tfjs-node` (native TensorFlow on the
 * CPU) -> tfjs `wasm` with our training kernels -> tfjs `cpu` (pure JavaScript, ~200x slower than
 * wasm for convolutions; last resort). The native packages are optionalDependencies whose install
 * script downloads libtensorflow: where that fails npm drops them (absent), and where a download or
 * build half-succeeded the package is there but throws on import (its native addon is missing).
 * Either way the next backend is tried and `skipped` says why, in words that tell the two apart.
 * They are imported through a variable so bundlers and the typechecker do not require them.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { locateWasmDir } from './wasm-files.js';
import { installWasmTrainingKernels } from './wasm-kernels/index.js';

export type TrainingBackendKind = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface TrainingBackendInfo {
  kind: TrainingBackendKind;
  /** The tfjs backend name now active (`tf.getBackend()`). */
  tfBackend: string;
  /** For people, e.g. "WebAssembly (SIMD) on 2 CPU cores". */
  name: string;
  /**
   * How many data-parallel replicas (threads) training should use with this backend: the native
   * backends parallelise inside each op, so 1; wasm is single-threaded under Node, so one replica
   * per core (see src/training/parallel).
   */
  replicas: number;
  /** Why faster backends were skipped, for the log (never shown as an error). */
  skipped: { kind: TrainingBackendKind; reason: string }[];
}

export interface SelectBackendOptions {
  /** Kinds to try, in order. Default: all four, fastest first. */
  order?: TrainingBackendKind[];
  /**
   * Loads a native package by name. Default: Node's dynamic `import()`, which is what runs in the
   * product; tests pass one that throws the way a half-installed package does.
   */
  importPackage?: (specifier: string) => Promise<unknown>;
}

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

let selected: Promise<TrainingBackendInfo> | null = null;

/**
 * Selects and activates the training backend for this thread. The first call decides; later calls
 * return the same answer (tfjs state is per thread, so each worker thread calls this itself).
 */
export function selectTrainingBackend(options: SelectBackendOptions = {}): Promise<TrainingBackendInfo> {
  selected ??= chooseTrainingBackend(options);
  return selected;
}

/**
 * The selection itself, without the once-per-thread memo: tries each kind in order and activates
 * the first that starts. Callers want `selectTrainingBackend`; this is for tests.
 */
export async function chooseTrainingBackend(options: SelectBackendOptions = {}): Promise<TrainingBackendInfo> {
  const order = options.order ?? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
  const importPackage = options.importPackage ?? ((specifier: string) => import(/* @vite-ignore */ specifier));
  const skipped: TrainingBackendInfo['skipped'] = [];
  for (const kind of order) {
    try {
      const { info, skippedGpu } = await activate(kind, importPackage);
      if (skippedGpu) skipped.push({ kind: 'tensorflow-gpu', reason: skippedGpu });
      return { ...info, skipped };
    } catch (error) {
      skipped.push({ kind, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new Error(`no tfjs training backend could start: ${skipped.map((s) => `${s.kind}: ${s.reason}`).join('; ')}`);
}

export type Activated = { info: Omit<TrainingBackendInfo, 'skipped'>; skippedGpu?: string };

async function activate(kind: TrainingBackendKind, importPackage: (specifier: string) => Promise<unknown>): Promise<Activated> {
  const cores = availableParallelism();
  switch (kind) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const specifier = NATIVE_PACKAGES[kind];
      try {
        await importPackage(specifier); // registers the 'tensorflow' backend and sets it
      } catch (error) {
        // A half-installed package registers its kernels before it finds its addon missing; drop
        // them so the next native package registers its own without ~150 "already registered" lines.
        for (const k of tf.getKernelsForBackend('tensorflow')) tf.unregisterKernel(k.kernelName, 'tensorflow');
        throw new Error(nativeLoadFailure(specifier, error), { cause: error });
      }
      await setBackendOrThrow('tensorflow');
      // libtensorflow's GPU build runs on the CPU when it finds no usable CUDA device (no driver,
      // CUDA or cuDNN libraries not on the loader path): the backend tells, and the name must not lie.
      const usingGpu = (tf.backend() as { isUsingGpuDevice?: unknown }).isUsingGpuDevice === true;
      return nativeOutcome(kind, usingGpu, cores);
    }
    case 'wasm': {
      setWasmPaths(locateWasmDir());
      await setBackendOrThrow('wasm');
      installWasmTrainingKernels();
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return {
        info: {
          kind, tfBackend: 'wasm', replicas: cores,
          name: `WebAssembly${simd ? ' (SIMD)' : ''} on ${cores} CPU core${cores === 1 ? '' : 's'}`,
        },
      };
    }
    case 'cpu':
      await setBackendOrThrow('cpu');
      return { info: { kind, tfBackend: 'cpu', replicas: 1, name: 'JavaScript on the CPU (slow)' } };
  }
}

/**
 * What a loaded native package gives: the GPU package without a usable GPU is native TensorFlow on
 * the CPU (still faster than wasm), reported as such, with the GPU listed as skipped and why.
 */
export function nativeOutcome(kind: 'tensorflow-gpu' | 'tensorflow', usingGpu: boolean, cores: number): Activated {
  const info = { tfBackend: 'tensorflow', replicas: 1 };
  if (kind === 'tensorflow-gpu' && usingGpu) return { info: { ...info, kind, name: 'TensorFlow on the NVIDIA GPU (CUDA)' } };
  const cpu = { ...info, kind: 'tensorflow' as const, name: `TensorFlow native on ${cores} CPU core${cores === 1 ? '' : 's'}` };
  if (kind === 'tensorflow') return { info: cpu };
  return {
    info: cpu,
    skippedGpu: `${NATIVE_PACKAGES['tensorflow-gpu']} loaded but TensorFlow found no usable CUDA GPU ` +
      '(it needs an NVIDIA driver >= 450, CUDA 11.2 and cuDNN 8.1 libraries on the loader path); training runs on the CPU',
  };
}

/**
 * Tells "not installed" (npm dropped the optional dependency) from "installed but broken" (its
 * native addon or libtensorflow is missing or does not load), keeping the loader's own message.
 */
export function nativeLoadFailure(specifier: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  // Only a failure to find the package itself means absent: a missing file or dependency inside it
  // (same codes, another name in quotes) means a broken install.
  const absent = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    [`Cannot find package '${specifier}'`, `Cannot find module '${specifier}'`].some((m) => message.startsWith(m));
  if (absent) {
    return `${specifier} is not installed (an optional dependency: its install downloads libtensorflow, ` +
      'which needs internet during npm install)';
  }
  return `${specifier} is installed but failed to load: ${message}`;
}

async function setBackendOrThrow(name: string): Promise<void> {
  // tf.setBackend resolves to false (and logs) instead of throwing when a backend fails to start.
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialize`);
  await tf.ready();
}
