import { mkdirSync, existsSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { Task } from '../api/types';
import { openDatabase } from './open';
import { migrate } from './migrate';
import { refuseDamagedDatabase, removeLeftoverTempFiles } from './health';
import { PROJECT_FILE, projectPaths, type ProjectPaths } from './project-paths';

export { PROJECT_FILE, projectPaths, type ProjectPaths } from './project-paths';

export interface ProjectHandle {
  paths: ProjectPaths;
  db: Database.Database;
  close(): void;
}

export function isProjectFolder(dir: string): boolean {
  return existsSync(join(dir, PROJECT_FILE));
}

function makeFolders(paths: ProjectPaths): void {
  for (const d of [paths.dir, paths.media, paths.thumbs, paths.display, paths.models, paths.backups]) mkdirSync(d, { recursive: true });
}

function openHandle(paths: ProjectPaths): ProjectHandle {
  const db = openDatabase(paths.database);
  try {
    migrate(db, {
      backupPath: (from) => join(paths.backups, `before-migration-v${from}-${Date.now()}.sqlite`),
    });
  } catch (err) {
    db.close();
    throw err;
  }
  return { paths, db, close: () => db.close() };
}

export function createProject(dir: string, task: Task, classes: string[], colorFor: (i: number) => string): ProjectHandle {
  const paths = projectPaths(dir);
  if (existsSync(paths.dir) && !statSync(paths.dir).isDirectory()) {
    throw new AppError('INVALID_INPUT', `${paths.dir} is a file, not a folder.`);
  }
  if (isProjectFolder(paths.dir)) {
    throw new AppError('PROJECT_EXISTS', `${paths.dir} already holds an Apprentice project; open it instead.`);
  }
  const unique = new Set(classes);
  if (unique.size !== classes.length) throw new AppError('INVALID_INPUT', 'The class list names a class twice.');
  makeFolders(paths);
  const handle = openHandle(paths);
  handle.db.transaction(() => {
    const setting = handle.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    setting.run('task', task);
    setting.run('name', basename(paths.dir));
    const add = handle.db.prepare('INSERT INTO classes (name, color, position) VALUES (?, ?, ?)');
    classes.forEach((name, i) => add.run(name, colorFor(i), i));
  }).immediate();
  return handle;
}

export function openProject(dir: string): ProjectHandle {
  const paths = projectPaths(dir);
  if (!isProjectFolder(paths.dir)) {
    throw new AppError('NOT_A_PROJECT', `${paths.dir} is not an Apprentice project (no ${PROJECT_FILE}). Create one with "apprentice init".`);
  }
  // Before anything writes to the file (WAL setup, migrations): a damaged or emptied database of
  // a project is refused with the newest backup named, never opened as a new empty project.
  refuseDamagedDatabase(paths);
  makeFolders(paths);
  removeLeftoverTempFiles(paths);
  return openHandle(paths);
}
