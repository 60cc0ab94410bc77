import type Database from 'better-sqlite3';
import type { Task } from '../api/types';
import { getSetting, setSetting } from './settings';

/** The project's task (classify, detect, segment): changeable, the labels stay as they are. */
export function setProjectTask(db: Database.Database, task: Task): void {
  db.transaction(() => setSetting(db, 'task', task)).immediate();
}

const SHORTCUTS_KEY = 'ui.shortcuts';

/** The user's shortcut key overrides, by shortcut id ({} when none or unreadable). */
export function getShortcutOverrides(db: Database.Database): Record<string, string[]> {
  const raw = getSetting(db, SHORTCUTS_KEY);
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed as Record<string, unknown>).filter(
        (e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every((k) => typeof k === 'string'),
      ),
    );
  } catch {
    return {};
  }
}

/** Replace the shortcut overrides (validated at the boundary); returns what is stored. */
export function setShortcutOverrides(db: Database.Database, overrides: Record<string, string[]>): Record<string, string[]> {
  db.transaction(() => setSetting(db, SHORTCUTS_KEY, JSON.stringify(overrides))).immediate();
  return getShortcutOverrides(db);
}
