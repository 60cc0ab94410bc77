#!/usr/bin/env node
// The `apprentice` command. It runs the CLI built to JavaScript (out/main/cli.js: `npm install`
// builds it, and so does every `npm run build`) while that build is not older than src/; else it
// runs the TypeScript sources through tsx's loader, slower to start but never stale.
import { enableCompileCache } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliBuild } from './cli-build.js';

const { built } = cliBuild(fileURLToPath(new URL('..', import.meta.url)));
if (built) {
  // V8's code cache on disk (Node's compile cache): later starts skip compiling the bundle.
  enableCompileCache();
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
