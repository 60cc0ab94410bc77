import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebServer, newToken } from '../../server';
import { isProjectFolder } from '../../store';
import type { Command } from '../command';
import { UsageError } from '../errors';

/**
 * The built renderer, out/renderer at the package root: three folders up from this source file,
 * or beside out/main when this runs as the built CLI (out/main/*.js).
 */
const RENDERER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), import.meta.url.endsWith('.ts') ? '../../../out/renderer' : '../renderer');

export const serve: Command = {
  usage: 'serve <dir> [--host 127.0.0.1] [--port N]',
  options: { host: { type: 'string' }, port: { type: 'string' } },
  positionals: 1,
  // The served folder is the web workspace: projects are created and opened inside it only.
  workspaceFromDir: true,
  async run({ service, positionals, values, out }) {
    const dir = resolve(positionals[0]!);
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a number from 0 to 65535');
    const host = typeof values.host === 'string' ? values.host : '127.0.0.1';
    const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    if (isProjectFolder(dir)) await service.invoke('project.open', { dir });
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
      process.stderr.write('warning: the studio UI is not built (run "npm run build"); only the API is served\n');
    }
    const server = await startWebServer({ service, token: newToken(), staticDir: RENDERER_DIR, host, port });
    if (!loopback) {
      process.stderr.write(
        `warning: serving on ${host}: anyone on your network who gets the URL (with its token) can read and change this project\n`,
      );
    }
    out.result({ url: server.openUrl, port: server.port, dir }, () => [`Apprentice is serving ${dir}`, `Open ${server.openUrl}`]);
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
  },
};
