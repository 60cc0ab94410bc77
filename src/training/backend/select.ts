/**
 * Chooses the tfjs backend that trains fastest on this machine, once per thread, and says which one
 * it chose in words a user understands (the UI shows it next to every training job).
 *
 * Order: `@tensorflow/tfjs-node-gpu` (CUDA) -> `@tensorflow/tfjs-node` (native TensorFlow on the
 * CPU) -> tfjs `wasm` with our training kernels -> tfjs `cpu` (pure JavaScript, ~200x slower than
 * wasm for convolutions; last resort). The native packages are optionalDependencies whose install
 * downloads libtensorflow, which fails without internet; they are imported through a variable so
 * bundlers and the typechecker do not require them, and any failure just moves on to the next.
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
  selected ??= trySelect(options.order ?? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  return selected;
}

async function trySelect(order: TrainingBackendKind[]): Promise<TrainingBackendInfo> {
  const skipped: TrainingBackendInfo['skipped'] = [];
  for (const kind of order) {
    try {
      const info = await activate(kind);
      return { ...info, skipped };
    } catch (error) {
      skipped.push({ kind, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new Error(`no tfjs training backend could start: ${skipped.map((s) => `${s.kind}: ${s.reason}`).join('; ')}`);
}

async function activate(kind: TrainingBackendKind): Promise<Omit<TrainingBackendInfo, 'skipped'>> {
  const cores = availableParallelism();
  switch (kind) {
    case 'tensorflow-gpu':
    case 'tensorflow': {
      const specifier: string = NATIVE_PACKAGES[kind];
      await import(/* @vite-ignore */ specifier); // registers the 'tensorflow' backend
      await setBackendOrThrow('tensorflow');
      return {
        kind, tfBackend: 'tensorflow', replicas: 1,
        name: kind === 'tensorflow-gpu' ? 'TensorFlow (NVIDIA GPU, CUDA)' : `TensorFlow native on ${cores} CPU cores`,
      };
    }
    case 'wasm': {
      setWasmPaths(locateWasmDir());
      await setBackendOrThrow('wasm');
      installWasmTrainingKernels();
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return {
        kind, tfBackend: 'wasm', replicas: cores,
        name: `WebAssembly${simd ? ' (SIMD)' : ''} on ${cores} CPU core${cores === 1 ? '' : 's'}`,
      };
    }
    case 'cpu':
      await setBackendOrThrow('cpu');
      return { kind, tfBackend: 'cpu', replicas: 1, name: 'JavaScript on the CPU (slow)' };
  }
}

async function setBackendOrThrow(name: string): Promise<void> {
  // tf.setBackend resolves to false (and logs) instead of throwing when a backend fails to start.
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend '${name}' failed to initialize`);
  await tf.ready();
}
