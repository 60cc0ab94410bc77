import { describe } from 'vitest';
import { join } from 'node:path';
import { AppService } from '../service';
import { newToken, startWebServer } from '../server';
import { tempDir } from '../test-support/fixtures';
import { nodeWebClient } from '../test-support/web-client';
import { contractSuite } from '../test-support/contract-suite';

describe('AppApi contract, in-process client', () => {
  let cleanup: () => Promise<void> = async () => {};
  contractSuite(
    'in-process',
    async () => {
      const t = tempDir();
      const service = new AppService({ transport: 'in-process', recentFile: join(t.dir, 'recent.json') });
      cleanup = async () => {
        await service.close();
        t.cleanup();
      };
      return { api: service, root: t.dir, projectDir: (name) => join(t.dir, 'projects', name) };
    },
    () => cleanup(),
  );
});

describe('AppApi contract, web client over HTTP', () => {
  let cleanup: () => Promise<void> = async () => {};
  contractSuite(
    'web',
    async () => {
      const t = tempDir();
      const workspace = join(t.dir, 'workspace');
      const service = new AppService({ transport: 'web', workspace, recentFile: join(workspace, '.apprentice', 'recent.json') });
      const token = newToken();
      const server = await startWebServer({ service, token, staticDir: null });
      const client = nodeWebClient(server.url, token);
      cleanup = async () => {
        client.close();
        await server.close();
        await service.close();
        t.cleanup();
      };
      // Web clients name projects relative to the served workspace.
      return { api: client, root: t.dir, projectDir: (name) => name };
    },
    () => cleanup(),
  );
});
