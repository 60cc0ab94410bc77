import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { AppError } from '../api/errors';
import { AppService } from '../service';
import type { Command } from './command';
import { UsageError } from './errors';
import { Output } from './output';
import { init } from './commands/init';
import { importCommand } from './commands/import';
import { stats } from './commands/stats';
import { exportCommand } from './commands/export';
import { serve } from './commands/serve';
import { train } from './commands/train';
import { evaluate, models, predict } from './commands/evaluate';
import { exportModelCommand } from './commands/export-model';
import { pseudoLabelCommand, reviewCommand } from './commands/pseudo-label';
import { selfTrain } from './commands/self-train';
import { backups, restore } from './commands/backups';
import { interrupted } from './job';

const COMMANDS: Record<string, Command> = {
  init,
  import: importCommand,
  stats,
  export: exportCommand,
  train,
  evaluate,
  predict,
  models,
  'pseudo-label': pseudoLabelCommand,
  review: reviewCommand,
  'self-train': selfTrain,
  'export-model': exportModelCommand,
  backups,
  restore,
  serve,
};

function usage(): string {
  return ['usage: apprentice <verb> <dir> [options] [--json] [--verbose]', '', ...Object.values(COMMANDS).map((c) => `  apprentice ${c.usage}`)].join('\n');
}

/** Runs one verb; returns the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(usage() + '\n');
    return verb ? 0 : 2;
  }
  const command = COMMANDS[verb];
  if (!command) {
    process.stderr.write(`apprentice: unknown verb "${verb}"\n${usage()}\n`);
    return 2;
  }
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
