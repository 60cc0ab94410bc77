import { defineConfig } from 'vitest/config';

// e2e specs drive the built renderer in Debian's Chromium against `apprentice serve`.
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
