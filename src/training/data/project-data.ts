import type Database from 'better-sqlite3';
import type { Split } from '../../api/types';
import { labeledRows, listClasses, type LabeledRow } from '../../store';
import type { TensorData } from '../loop/data';
import { decodeImages } from '../../media';
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

// The project's labeled images (outside the unlabeled split), in import order: read by the store.
export { labeledRows, type LabeledRow };

/**
 * Split per-row values (pixels, or backbone features laid out as a 1x1xD "image") into
 * train/val/test tensors with one-hot targets. Class indices follow the project's class order,
 * which is also the order of a model's outputs.
 */
export function splitRows(
  db: Database.Database,
  rows: LabeledRow[],
  values: Float32Array,
  shape: { height: number; width: number; channels: number },
): ProjectData {
  const classes = listClasses(db);
  const index = new Map(classes.map((c, i) => [c.id, i]));
  const size = shape.height * shape.width * shape.channels;
  const k = classes.length;
  const make = (split: Exclude<Split, 'unlabeled'>): ProjectSplit => {
    const picked = rows.map((r, i) => ({ r, i })).filter(({ r }) => r.split === split);
    const x = new Float32Array(picked.length * size);
    const y = new Float32Array(picked.length * k);
    picked.forEach(({ r, i }, j) => {
      x.set(values.subarray(i * size, (i + 1) * size), j * size);
      y[j * k + index.get(r.class_id)!] = 1;
    });
    return { x, y, n: picked.length, ...shape, numClasses: k, imageIds: picked.map(({ r }) => r.id) };
  };
  return { classNames: classes.map((c) => c.name), classIds: classes.map((c) => c.id), train: make('train'), val: make('val'), test: make('test') };
}

/** The project's labeled images as pixel tensors at the input spec, by split. */
export async function loadProjectData(
  db: Database.Database,
  projectDir: string,
  spec: InputSpec,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ProjectData> {
  const rows = labeledRows(db);
  const pixels = await decodeImages(projectDir, rows, spec, opts);
  return splitRows(db, rows, pixels, spec);
}
