import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../media/files';
import type { RecentProject } from '../api/types';

const MAX_RECENT = 12;

/** The list of recently opened projects, kept in one small JSON file of the host's choosing. */
export class RecentProjects {
  constructor(private readonly file: string | null) {}

  list(): RecentProject[] {
    if (!this.file) return [];
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      return Array.isArray(parsed) ? (parsed as RecentProject[]).filter((r) => typeof r?.dir === 'string') : [];
    } catch {
      return []; // missing or damaged: start a new list rather than fail opening a project
    }
  }

  async remember(entry: Omit<RecentProject, 'openedAt'>): Promise<void> {
    if (!this.file) return;
    const rest = this.list().filter((r) => r.dir !== entry.dir);
    const next = [{ ...entry, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX_RECENT);
    await writeFileAtomic(this.file, JSON.stringify(next, null, 2));
  }
}
