import { basename } from 'node:path';
import { AppError } from '../api/errors';
import type { ProjectInfo, Task } from '../api/types';
import { JobRunner, type JobEvents } from '../jobs';
import { failInterruptedJobs, getSetting, listClasses, type ProjectHandle } from '../store';

/** An open project: its database handle and the job runner bound to it. */
export class ProjectSession {
  readonly jobs: JobRunner;

  constructor(
    readonly handle: ProjectHandle,
    events: JobEvents,
    log: (msg: string, err?: unknown) => void,
  ) {
    failInterruptedJobs(handle.db);
    this.jobs = new JobRunner(handle.db, events, log);
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
    return { dir: this.paths.dir, name, task, classes: listClasses(this.db) };
  }

  async close(): Promise<void> {
    await this.jobs.stopAll();
    this.handle.close();
  }
}

export function requireSession(session: ProjectSession | null): ProjectSession {
  if (!session) throw new AppError('NO_PROJECT', 'No project is open. Create or open a project first.');
  return session;
}
