import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { AppError } from '../api/errors';
import type { ProjectInfo, Task } from '../api/types';
import { JobRunner, type JobEvents } from '../jobs';
import { autoSnapshotIfDue, failInterruptedJobs, getSetting, listClasses, snapshot, type ProjectHandle } from '../store';

/** How often an open project is snapshotted into backups/ (reason "auto"). */
export const AUTO_BACKUP_MS = 30 * 60 * 1000;

/** An open project: its database handle and the job runner bound to it. */
export class ProjectSession {
  readonly jobs: JobRunner;
  /**
   * Part of every image URL of this opening of the project: image ids restart at 1 in each project,
   * so a URL of the id alone let the browser's cache show another project's image.
   */
  readonly mediaKey = randomBytes(8).toString('hex');
  private backupTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly handle: ProjectHandle,
    events: JobEvents,
    log: (msg: string, err?: unknown) => void,
    autoBackupMs: number = AUTO_BACKUP_MS,
  ) {
    failInterruptedJobs(handle.db);
    this.jobs = new JobRunner(handle.db, events, log);
    if (autoBackupMs > 0) {
      // A snapshot on open too, when the last automatic one is older than the interval (or there is
      // none and the project holds images): projects used only from the CLI get backups as well.
      try {
        autoSnapshotIfDue(this.db, this.paths.backups, autoBackupMs);
      } catch (err) {
        log('automatic backup on open failed', err);
      }
      // unref: an open project never keeps the process (a CLI command, a test) alive by itself.
      this.backupTimer = setInterval(() => {
        try {
          snapshot(this.db, this.paths.backups, 'auto');
        } catch (err) {
          log('automatic backup failed', err);
        }
      }, autoBackupMs);
      this.backupTimer.unref();
    }
  }

  get db() {
    return this.handle.db;
  }

  get paths() {
    return this.handle.paths;
  }

  info(): ProjectInfo {
    const task = (getSetting(this.db, 'task') ?? 'classify') as Task;
    const name = getSetting(this.db, 'name') ?? basename(this.paths.dir);
    return { dir: this.paths.dir, name, task, classes: listClasses(this.db), mediaKey: this.mediaKey };
  }

  async close(): Promise<void> {
    if (this.backupTimer) clearInterval(this.backupTimer);
    this.backupTimer = null;
    await this.jobs.stopAll();
    this.handle.close();
  }
}

export function requireSession(session: ProjectSession | null): ProjectSession {
  if (!session) throw new AppError('NO_PROJECT', 'No project is open. Create or open a project first.');
  return session;
}
