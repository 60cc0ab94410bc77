import type { AppService } from '../service';
import type { Output } from './output';
import { UsageError } from './errors';

export interface CommandContext {
  service: AppService;
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  out: Output;
}

/** One verb of the `apprentice` command. */
export interface Command {
  usage: string;
  options: Record<string, { type: 'string' | 'boolean' }>;
  /** How many positionals (the project folder first): exactly 1, or 1 and more. */
  positionals: 1 | 'many';
  /** Open the project folder (the first positional) before run. */
  openProject?: boolean;
  /** Serve: the folder is the workspace that web clients are confined to. */
  workspaceFromDir?: boolean;
  run(ctx: CommandContext): Promise<void>;
}

export function requireChoice<T extends string>(flag: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')} (got "${String(value)}")`);
  }
  return value as T;
}
