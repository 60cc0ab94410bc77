#!/usr/bin/env node
// The `apprentice` command. The CLI is TypeScript run through tsx's loader, so there is no
// separate build step between editing src/ and running it.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
