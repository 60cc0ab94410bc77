import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { AppError } from '../api/errors';
import type { AppService } from '../service';
import type { Command } from './command';
import { UsageError } from './errors';
import { Output } from './output';
import { interrupted } from './job';

/**
 * Each verb's module is loaded only when that verb runs, so a quick verb (stats) does not pay for
 * what another one needs (serve's web server brings sharp). The help text loads them all: it is
 * printed rarely, and so each verb's usage line stays beside its options, defined once.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  init: async () => (await import('./commands/init')).init,
  import: async () => (await import('./commands/import')).importCommand,
  stats: async () => (await import('./commands/stats')).stats,
  export: async () => (await import('./commands/export')).exportCommand,
  train: async () => (await import('./commands/train')).train,
  evaluate: async () => (await import('./commands/evaluate')).evaluate,
  predict: async () => (await import('./commands/evaluate')).predict,
  models: async () => (await import('./commands/evaluate')).models,
  'pseudo-label': async () => (await import('./commands/pseudo-label')).pseudoLabelCommand,
  review: async () => (await import('./commands/pseudo-label')).reviewCommand,
  'self-train': async () => (await import('./commands/self-train')).selfTrain,
  'export-model': async () => (await import('./commands/export-model')).exportModelCommand,
  backups: async () => (await import('./commands/backups')).backups,
  restore: async () => (await import('./commands/backups')).restore,
  serve: async () => (await import('./commands/serve')).serve,
};

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return ['usage: apprentice <verb> <dir> [options] [--json] [--verbose]', '', ...commands.map((c) => `  apprentice ${c.usage}`)].join('\n');
}

/** Runs one verb; returns the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write((await usage()) + '\n');
    return verb ? 0 : 2;
  }
  // Own keys only: a verb named "toString" is unknown, not Object.prototype's.
  if (!Object.hasOwn(COMMANDS, verb)) {
    process.stderr.write(`apprentice: unknown verb "${verb}"\n${await usage()}\n`);
    return 2;
  }
  const command = await COMMANDS[verb]!();
  let json = false;
  let verbose = false;
  let service: AppService | null = null;
  // The first SIGINT/SIGTERM cancels the running job and lets the verb end in order (the service
  // closes below, after its jobs are torn down); a second one stops at once.
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted.signal.aborted) {
      process.stderr.write(`apprentice ${verb}: stopped\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    interrupted.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...command.options, json: { type: 'boolean' }, verbose: { type: 'boolean' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    json = Boolean(parsed.values.json);
    verbose = Boolean(parsed.values.verbose);
    const positionals = parsed.positionals;
    if (positionals.length < 1) throw new UsageError(`${verb} needs a project folder`);
    if (command.positionals === 1 && positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
    const workspace = command.workspaceFromDir ? resolve(positionals[0]!) : null;
    // Loaded here, not at the top: the help text and usage errors need none of it.
    const { AppService } = await import('../service');
    service = new AppService({
      transport: command.workspaceFromDir ? 'web' : 'in-process',
      workspace,
      recentFile: workspace ? join(workspace, '.apprentice', 'recent.json') : null,
      author: process.env.USER ?? "cli",
      log: (msg, err) => {
        if (verbose) process.stderr.write(`${msg}: ${(err as Error)?.stack ?? String(err ?? '')}\n`);
      },
    });
    if (command.openProject) await service.invoke('project.open', { dir: positionals[0]! });
    await command.run({ service, positionals, values: parsed.values as Record<string, string | boolean | undefined>, out: new Output(json) });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`apprentice ${verb}: ${err.message}\nusage: apprentice ${command.usage}\n`);
      return 2;
    }
    const message = err instanceof AppError ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
    if (json) process.stderr.write(JSON.stringify({ error: { code: err instanceof AppError ? err.code : 'INTERNAL', message } }) + '\n');
    else process.stderr.write(`apprentice ${verb}: ${message}\n`);
    if (verbose && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  } finally {
    await service?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

process.exitCode = await main(process.argv.slice(2));
