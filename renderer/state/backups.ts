/** Backups of the project's database: list, back up now, restore (which resets every cached view of the data). */
import type { BackupInfo } from '../../src/api/types';
import { api } from '../api';
import { resetModels } from './models';
import { setProject } from './project';
import { resetReview } from './review';
import { clearSelection } from './selection';

export function listBackups(): Promise<BackupInfo[]> {
  return api.invoke('backups.list', {});
}

export function createBackup(): Promise<BackupInfo> {
  return api.invoke('backups.create', {});
}

export async function restoreBackup(name: string): Promise<void> {
  const r = await api.invoke('backups.restore', { name });
  // The database was replaced: every cached view of it starts over.
  clearSelection();
  resetModels();
  resetReview();
  setProject(r.project);
}
