import { existsSync } from 'node:fs';
import { AppError } from '../../api/errors';
import { listBackups, projectPaths, restoreProject } from '../../store';
import type { Command } from '../command';
import { UsageError } from '../errors';

/** A folder that is (or was) a project: its database, or at least its backups, are there. */
function projectFolder(dir: string) {
  const paths = projectPaths(dir);
  if (!existsSync(paths.database) && !existsSync(paths.backups)) {
    throw new AppError('NOT_A_PROJECT', `${paths.dir} is not an Apprentice project (no project.sqlite and no backups/).`);
  }
  return paths;
}

/** Lists the snapshots in backups/ without opening the database: works when it is damaged or empty. */
export const backups: Command = {
  usage: 'backups <dir>',
  options: {},
  positionals: 1,
  async run({ positionals, out }) {
    const paths = projectFolder(positionals[0]!);
    const list = listBackups(paths.backups);
    out.result({ dir: paths.dir, backups: list }, () =>
      list.length
        ? list.map((b) => `${b.name}  ${b.reason.padEnd(14)} ${b.createdAt}  ${(b.size / 1024).toFixed(0)} KiB`)
        : [`No backups in ${paths.backups}.`],
    );
  },
};

/**
 * Puts a backup back. A healthy database is restored in place (other processes that have it open
 * keep working, a before-restore snapshot is kept); a damaged or empty one is moved aside.
 */
export const restore: Command = {
  usage: 'restore <dir> --backup NAME',
  options: { backup: { type: 'string' } },
  positionals: 1,
  async run({ positionals, values, out }) {
    if (typeof values.backup !== 'string' || !values.backup) throw new UsageError('restore needs --backup NAME (see "apprentice backups <dir>")');
    const paths = projectFolder(positionals[0]!);
    const r = await restoreProject(paths.dir, values.backup);
    out.result({ dir: paths.dir, ...r }, () => [
      `Restored ${r.restored} into ${paths.database}`,
      r.safety ? `The state it replaced is kept as backup ${r.safety.name}.` : r.setAside ? `The damaged database was kept as ${r.setAside}.` : 'There was no database to keep.',
    ]);
  },
};
