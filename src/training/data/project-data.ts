import type Database from 'better-sqlite3';
import type { Split } from '../../api/types';
import { imageClassSets, isMultiLabelProject, labeledRows, listClasses, type LabeledRow } from '../../store';
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
  /** Multi-label: targets are multi-hot rows (every class an image carries is 1), learned with a sigmoid per class. */
  multiLabel?: boolean;
}

// The project's labeled images (outside the unlabeled split), in import order: read by the store.
export { labeledRows, type LabeledRow };

/**
 * Split per-row values (pixels, or backbone features laid out as a 1x1xD "image") into
 * train/val/test tensors with one-hot targets. Class indices follow the project's class order,
 * which is also the order of a model's outputs. With `classSets` (a multi-label project, see
 * multiLabelClassSets) each row is multi-hot instead: 1 for every class the image carries.
 */
export function splitRows(
  db: Database.Database,
  rows: LabeledRow[],
  values: Float32Array,
  shape: { height: number; width: number; channels: number },
  classSets?: Map<number, number[]>,
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
      for (const id of classSets?.get(r.id) ?? [r.class_id]) y[j * k + index.get(id)!] = 1;
    });
    return { x, y, n: picked.length, ...shape, numClasses: k, imageIds: picked.map(({ r }) => r.id) };
  };
  return {
    classNames: classes.map((c) => c.name), classIds: classes.map((c) => c.id), train: make('train'), val: make('val'), test: make('test'),
    ...(classSets ? { multiLabel: true } : {}),
  };
}

/** Each labeled image's class set when the project is multi-label (store: isMultiLabelProject), else undefined: one-hot targets. */
export function multiLabelClassSets(db: Database.Database): Map<number, number[]> | undefined {
  return isMultiLabelProject(db) ? imageClassSets(db) : undefined;
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
  return splitRows(db, rows, pixels, spec, multiLabelClassSets(db));
}
