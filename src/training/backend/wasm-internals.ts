/**
 * The few internals of tfjs-backend-wasm 4.x that our kernels rely on, typed in one place.
 *
 * Kernels here run inside a wasm backend and either compose the backend's own kernels (conv2d,
 * matMul, transpose: XNNPACK-backed, fast) or read/write tensor memory on the wasm heap directly
 * from JavaScript (for memory-bound work where one JS loop beats several wasm kernel calls).
 * Intermediate TensorInfos created by composed kernels are not tracked by the tfjs engine, so every
 * helper here pairs with an explicit `dispose`.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type TensorInfo = tf.TensorInfo;
export type { BackendWasm };

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: BackendWasm; attrs?: tf.NamedAttrMap };
type WasmKernelFunc = (args: KernelArgs) => TensorInfo | TensorInfo[];

/**
 * The original wasm implementation of a kernel, captured before we replace any registration, so
 * our kernels can delegate shapes they do not handle to it ("never return a wrong answer").
 */
const originals = new Map<string, WasmKernelFunc | null>();

export function captureOriginalKernel(kernelName: string): void {
  if (originals.has(kernelName)) return;
  const config = tf.getKernel(kernelName, 'wasm');
  originals.set(kernelName, config ? (config.kernelFunc as unknown as WasmKernelFunc) : null);
}

export function originalKernel(kernelName: string): WasmKernelFunc | null {
  if (!originals.has(kernelName)) captureOriginalKernel(kernelName);
  return originals.get(kernelName) ?? null;
}

/** Calls another wasm kernel by name (the currently registered implementation). */
export function runKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): TensorInfo {
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config) throw new Error(`wasm backend has no ${kernelName} kernel`);
  return (config.kernelFunc as unknown as WasmKernelFunc)({ inputs, backend, attrs }) as TensorInfo;
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runKernel(tf.Transpose, backend, { x }, { perm });
}

export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runKernel(tf.Reshape, backend, { x }, { shape });
}

export function dispose(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * A Float32Array view of a tensor's memory on the wasm heap. Take views only after the last
 * allocation of the kernel: growing the heap detaches earlier views.
 */
export function heapF32(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info as tf.Tensor) as Float32Array;
}

/** Byte offset of a tensor's data on the wasm heap (for our own SIMD module, see simd/). */
export function heapOffset(backend: BackendWasm, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId) as unknown as { memoryOffset: number } | undefined;
  if (!data) throw new Error('tensor is not on the wasm backend');
  return data.memoryOffset;
}
