/**
 * The open project as the UI sees it: app info, project, classes, stats. Everything here is a
 * cache of the core's answers, refetched when the core says something changed.
 */
import type { AppInfo, ClassInfo, ProjectInfo, RecentProject, Stats, Task } from '../../src/api/types';
import type { MethodInput } from '../../src/api/methods';
import { api, ignore, setMediaKey } from '../api';
import { createStore } from './store';
import { shortcutOverrides } from './shortcuts';
import { detectorRun } from './detectorRun';

export const appInfo = createStore<AppInfo | null>(null);
/** undefined while loading, null when no project is open. */
export const project = createStore<ProjectInfo | null | undefined>(undefined);
export const classes = createStore<ClassInfo[]>([]);
export const stats = createStore<Stats | null>(null);
/** Bumped whenever images or labels may have changed: lists refetch when it moves. */
export const dataVersion = createStore(0);

export function bumpData(): void {
  dataVersion.set((v) => v + 1);
}

export async function loadAppInfo(): Promise<void> {
  appInfo.set(await api.invoke('app.info', {}));
}

export async function refreshProject(): Promise<void> {
  const p = await api.invoke('project.current', {});
  setProject(p);
}

export function setProject(p: ProjectInfo | null): void {
  setMediaKey(p?.mediaKey ?? ''); // before anything renders an image URL of this project
  project.set(p);
  classes.set(p ? p.classes : []);
  stats.set(null);
  bumpData();
  shortcutOverrides.set({});
  detectorRun.set(null); // a run belongs to the project it ran in
  if (p) {
    refreshStats().catch(ignore);
    refreshClasses().catch(ignore);
    api.invoke('settings.shortcuts', {}).then((o) => shortcutOverrides.set(o), ignore);
  }
}

export function recentProjects(): Promise<RecentProject[]> {
  return api.invoke('project.recent', {});
}

export async function openProject(dir: string): Promise<void> {
  setProject(await api.invoke('project.open', { dir }));
}

export async function createProject(input: MethodInput<'project.create'>): Promise<void> {
  setProject(await api.invoke('project.create', input));
}

export async function closeProject(): Promise<void> {
  await api.invoke('project.close', {});
  setProject(null);
}

export async function setProjectTask(task: Task): Promise<void> {
  setProject(await api.invoke('project.setTask', { task }));
}

/** Shown at once, then as the core stored them. */
export async function saveShortcutOverrides(next: Record<string, string[]>): Promise<void> {
  shortcutOverrides.set(next);
  shortcutOverrides.set(await api.invoke('settings.setShortcuts', { overrides: next }));
}

export async function addClass(name: string): Promise<void> {
  await api.invoke('classes.add', { name });
}

export async function renameClass(id: number, name: string): Promise<void> {
  await api.invoke('classes.update', { id, name });
  await refreshClasses();
}

export async function recolorClass(id: number, color: string): Promise<void> {
  await api.invoke('classes.update', { id, color });
  await refreshClasses();
}

/** Deletes the class with its labels; answers how many labels went with it. */
export async function removeClass(id: number): Promise<number> {
  return (await api.invoke('classes.remove', { id })).removedAnnotations;
}

/** Gives the images one class (null: none); answers how many changed. */
export async function setImagesClass(imageIds: number[], classId: number | null): Promise<number> {
  return (await api.invoke('labels.setClass', { imageIds, classId })).updated;
}

export async function refreshClasses(): Promise<void> {
  if (!project.get()) return;
  classes.set(await api.invoke('classes.list', {}));
}

export async function refreshStats(): Promise<void> {
  if (!project.get()) return;
  stats.set(await api.invoke('stats.get', {}));
}

export function classById(id: number | null | undefined): ClassInfo | undefined {
  if (id == null) return undefined;
  return classes.get().find((c) => c.id === id);
}

let syncing = false;
/** Listens to the core's events once for the lifetime of the page. */
export function startProjectSync(): void {
  if (syncing) return;
  syncing = true;
  api.on('projectChanged', ({ what }) => {
    if (what === 'project') {
      refreshProject().catch(ignore);
      return;
    }
    if (what === 'classes') refreshClasses().catch(ignore);
    refreshStats().catch(ignore);
    bumpData();
  });
}
