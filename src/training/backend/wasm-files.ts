/**
 * Where the tfjs wasm backend finds its .wasm binaries.
 *
 * tfjs-backend-wasm fetches `tfjs-backend-wasm*.wasm` relative to its own script by default, which
 * breaks under bundlers (the script moves, the binaries do not) and is fragile under plain Node.
 * We resolve the package's `dist/` folder through Node's module resolution instead, so the same code
 * works from `tsx`, from vitest and from a bundled Electron main/worker process as long as
 * `@tensorflow/tfjs-backend-wasm` stays an ordinary (unbundled) dependency in node_modules.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The binaries the backend may ask for (plain, SIMD; the threaded build is unused under Node). */
export const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/** Absolute path of the folder that holds the wasm binaries, ending in a path separator. */
export function locateWasmDir(): string {
  const require = createRequire(import.meta.url);
  // `main` of the package is dist/tf-backend-wasm.node.js; the binaries sit next to it.
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  for (const file of WASM_BINARIES) {
    if (!existsSync(join(dir, file))) {
      throw new Error(`tfjs wasm binary ${file} is missing from ${dir}`);
    }
  }
  return dir.endsWith('/') ? dir : `${dir}/`;
}
