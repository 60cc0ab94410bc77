import { join, resolve } from 'node:path';

export const PROJECT_FILE = 'project.sqlite';

/** Where everything of a project lives, relative to its folder. */
export interface ProjectPaths {
  dir: string;
  database: string;
  media: string;
  thumbs: string;
  /** Upright, browser-viewable copies of images that are rotated by EXIF or in other formats. */
  display: string;
  models: string;
  backups: string;
}

export function projectPaths(dir: string): ProjectPaths {
  const root = resolve(dir);
  return {
    dir: root,
    database: join(root, PROJECT_FILE),
    media: join(root, 'media'),
    thumbs: join(root, 'cache', 'thumbs'),
    display: join(root, 'cache', 'display'),
    models: join(root, 'models'),
    backups: join(root, 'backups'),
  };
}
