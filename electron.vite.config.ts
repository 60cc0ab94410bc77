import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// Main and preload bundle src/ (the core); native modules stay external (externalizeDeps).
// The renderer is a plain web build: the same files are served by `apprentice serve`.
export default defineConfig({
  main: {
    build: {
      // zod is bundled (plain JavaScript): every CLI verb validates with it, and one bundled copy
      // starts in half the time of its ~50 files loaded one by one.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          // The `apprentice` command, built once so it starts without a TypeScript loader
          // (bin/apprentice.js runs it while it is newer than src/).
          cli: resolve(__dirname, 'src/cli/main.ts'),
          // Worker threads are started by file name from beside the bundle (see train-job.ts and
          // parallel/spawn-worker.ts), so each gets its own entry with that name.
          'engine-worker': resolve(__dirname, 'src/training/run/worker-entry.ts'),
          'worker-entry': resolve(__dirname, 'src/training/parallel/worker-entry.ts'),
          // A teacher's decode thread (src/inference/decode-thread.ts).
          'decode-worker': resolve(__dirname, 'src/inference/decode-worker.ts'),
        },
        // Shared chunks sit beside the entries: code in a chunk resolves worker files relative
        // to its own URL, so every file must be in one folder.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'electron/preload/index.ts') },
        // A sandboxed preload cannot load ES modules: emit CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
    },
  },
});
