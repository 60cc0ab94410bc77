import type Database from 'better-sqlite3';
import type { Split } from '../../api/types';
import { listClasses } from '../../store';
import type { TensorData } from '../loop/data';
import { decodeImages } from './decode';
import type { InputSpec } from './input-spec';

export interface ProjectSplit extends TensorData {
  imageIds: number[];
}

export interface ProjectData {
  classNames: string[];
  classIds: number[];
  train: ProjectSplit;
  val: ProjectSplit;
  test: ProjectSplit;
}

interface Row {
  id: number;
  media_path: string;
  sha256: string;
  split: Split;
  class_id: number;
}

/**
 * The project's labeled images as tensors, by split. The class of an image is its human label
 * (or an accepted/corrected pseudo-label: images.class_id). Class indices follow the project's
 * class order, which is also the order of a model's outputs.
 */
export async function loadProjectData(
  db: Database.Database,
  projectDir: string,
  spec: InputSpec,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ProjectData> {
  const classes = listClasses(db);
  const index = new Map(classes.map((c, i) => [c.id, i]));
  const rows = db
    .prepare("SELECT id, media_path, sha256, split, class_id FROM images WHERE class_id IS NOT NULL AND split != 'unlabeled' ORDER BY id")
    .all() as Row[];
  const pixels = await decodeImages(projectDir, rows, spec, opts);
  const size = spec.width * spec.height * spec.channels;
  const k = classes.length;
  const make = (split: Exclude<Split, 'unlabeled'>): ProjectSplit => {
    const picked = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.split === split);
    const x = new Float32Array(picked.length * size);
    const y = new Float32Array(picked.length * k);
    picked.forEach(({ r, i }, j) => {
      x.set(pixels.subarray(i * size, (i + 1) * size), j * size);
      y[j * k + index.get(r.class_id)!] = 1;
    });
    return { x, y, n: picked.length, height: spec.height, width: spec.width, channels: spec.channels, numClasses: k, imageIds: picked.map(({ r }) => r.id) };
  };
  return { classNames: classes.map((c) => c.name), classIds: classes.map((c) => c.id), train: make('train'), val: make('val'), test: make('test') };
}
