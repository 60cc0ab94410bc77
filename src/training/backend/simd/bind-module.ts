/**
 * Assemble a module of hand-written SIMD functions once, and instantiate it per wasm backend
 * against that backend's own `WebAssembly.Memory`, so its functions work on tensors in place.
 * If anything about that is unavailable (no SIMD, a tfjs that stops exporting its memory), the
 * binder returns null and callers use their JavaScript path.
 */
import type { BackendWasm } from '../wasm-internals.js';
import { type FunctionBuilder, assembleModule } from './wasm-assembler.js';

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * `functions` builds the module's functions (called once, on first use); `bind` turns the
 * instance's exports into the kernels' interface.
 */
export function simdModuleBinder<T>(
  functions: () => FunctionBuilder[],
  bind: (exports: Record<string, (...args: number[]) => void>) => T,
): (backend: BackendWasm) => T | null {
  let compiled: object | null | undefined;
  const byBackend = new WeakMap<BackendWasm, T | null>();
  const compile = (): object | null => {
    if (compiled !== undefined) return compiled;
    try {
      const bytes = assembleModule(functions());
      compiled = wasmApi?.validate(bytes) ? new wasmApi.Module(bytes) : null;
    } catch {
      compiled = null;
    }
    return compiled;
  };
  return (backend) => {
    if (byBackend.has(backend)) return byBackend.get(backend)!;
    let kernels: T | null = null;
    const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
    const module = compile();
    if (wasmApi && module && memory instanceof wasmApi.Memory) {
      try {
        kernels = bind(new wasmApi.Instance(module, { env: { memory } }).exports as Record<string, (...args: number[]) => void>);
      } catch {
        kernels = null;
      }
    }
    byBackend.set(backend, kernels);
    return kernels;
  };
}
