import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { ModelDetail, ModelInfo, ModelMetrics } from '../api/types';
import { findClassNamed, listClasses } from './classes';

interface ModelRow {
  id: string;
  name: string;
  arch: string;
  kind: 'trained' | 'imported';
  path: string;
  classes: string;
  metrics: string;
  backend: string | null;
  created_at: string;
  details: string;
  params: number | null;
  training_seconds: number | null;
  images_per_second: number | null;
  wall_images_per_second: number | null;
}

export interface NewModel {
  id: string;
  name: string;
  arch: string;
  kind: 'trained' | 'imported';
  path: string;
  classes: string[];
  metrics: ModelMetrics | null;
  backend: string | null;
  params: number | null;
  trainingSeconds: number | null;
  imagesPerSecond: number | null;
  /** Images trained over the whole run's seconds (loading, validation, checkpoints included). */
  wallImagesPerSecond: number | null;
  details: Pick<ModelDetail, 'history' | 'confusion' | 'misclassified' | 'options' | 'search' | 'input' | 'onnx'> & { studentData?: { human: number; pseudo: number } };
}

function toInfo(r: ModelRow): ModelInfo {
  const metrics = JSON.parse(r.metrics) as ModelMetrics | Record<string, never>;
  return {
    id: r.id,
    name: r.name,
    arch: r.arch,
    kind: r.kind,
    backend: r.backend,
    createdAt: r.created_at,
    metrics: 'accuracy' in metrics ? (metrics as ModelMetrics) : null,
    classes: JSON.parse(r.classes) as string[],
    params: r.params,
    trainingSeconds: r.training_seconds,
    imagesPerSecond: r.images_per_second,
    wallImagesPerSecond: r.wall_images_per_second,
  };
}

export function insertModel(db: Database.Database, m: NewModel): void {
  db.prepare(
    `INSERT INTO models (id, name, arch, kind, path, classes, metrics, backend, details, params, training_seconds, images_per_second, wall_images_per_second)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(m.id, m.name, m.arch, m.kind, m.path, JSON.stringify(m.classes), JSON.stringify(m.metrics ?? {}), m.backend, JSON.stringify(m.details), m.params, m.trainingSeconds, m.imagesPerSecond, m.wallImagesPerSecond);
}

export function listModels(db: Database.Database): ModelInfo[] {
  return (db.prepare('SELECT * FROM models ORDER BY created_at DESC, rowid DESC').all() as ModelRow[]).map(toInfo);
}

function modelRow(db: Database.Database, id: string): ModelRow {
  const row = db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `There is no model "${id}" in this project.`);
  return row;
}

export function getModel(db: Database.Database, id: string): ModelDetail {
  const row = modelRow(db, id);
  const details = JSON.parse(row.details) as Partial<ModelDetail>;
  return {
    ...toInfo(row),
    history: details.history ?? [],
    confusion: details.confusion ?? [],
    misclassified: details.misclassified ?? [],
    options: details.options ?? {},
    search: details.search ?? null,
    input: details.input ?? { height: 0, width: 0, channels: 0 },
    ...((details as { studentData?: unknown }).studentData ? { studentData: (details as { studentData: { human: number; pseudo: number } }).studentData } : {}),
    ...(details.onnx ? { onnx: details.onnx } : {}),
    ...(details.multiLabel ? { multiLabel: true } : {}),
    ...classMapField(db, row, details),
  };
}

/** A person's class map of a teacher, as stored: teacher class name -> project class id, or null to ignore it. */
type StoredClassMap = Record<string, number | null>;

function storedClassMap(details: unknown): StoredClassMap | null {
  const m = (details as { classMap?: unknown }).classMap;
  return m && typeof m === 'object' ? (m as StoredClassMap) : null;
}

/**
 * The effective class map, by name, of imported models (teachers) and of any model a person
 * set one for: the stored choice, else the project class of the same name (case-insensitive).
 */
function classMapField(db: Database.Database, row: ModelRow, details: unknown): { classMap?: Record<string, string | null> } {
  const stored = storedClassMap(details);
  if (row.kind !== 'imported' && !stored) return {};
  const classes = listClasses(db);
  const byId = new Map(classes.map((c) => [c.id, c.name]));
  const byName = new Map(classes.map((c) => [c.name.toLowerCase(), c.name]));
  const classMap: Record<string, string | null> = {};
  for (const t of JSON.parse(row.classes) as string[]) {
    const choice = stored && Object.prototype.hasOwnProperty.call(stored, t) ? stored[t] : undefined;
    // A chosen class that was removed since falls back to the default, by name.
    classMap[t] = choice === null ? null : ((choice !== undefined ? byId.get(choice) : undefined) ?? byName.get(t.toLowerCase()) ?? null);
  }
  return { classMap };
}

/** The class map a person set for a teacher (project class ids; null = ignore), or null when none was set. */
export function teacherClassMap(db: Database.Database, modelId: string): StoredClassMap | null {
  return storedClassMap(JSON.parse(modelRow(db, modelId).details));
}

/**
 * Set which project class each teacher class labels (null: ignore it). Replaces the map set
 * before; teacher classes left out map by name again. Names are checked: a teacher class the
 * model does not have or a project class that does not exist is refused.
 */
export function setTeacherClassMap(db: Database.Database, modelId: string, map: Record<string, string | null>): ModelDetail {
  const row = modelRow(db, modelId);
  const teacherClasses = new Set(JSON.parse(row.classes) as string[]);
  const stored: StoredClassMap = {};
  for (const [teacherClass, projectClass] of Object.entries(map)) {
    if (!teacherClasses.has(teacherClass)) throw new AppError('INVALID_INPUT', `Model "${modelId}" has no class "${teacherClass}".`);
    if (projectClass === null) {
      stored[teacherClass] = null;
      continue;
    }
    const target = findClassNamed(db, projectClass);
    if (!target) throw new AppError('NOT_FOUND', `There is no class "${projectClass}" in this project.`);
    stored[teacherClass] = target.id;
  }
  db.prepare("UPDATE models SET details = json_set(details, '$.classMap', json(?)) WHERE id = ?").run(JSON.stringify(stored), modelId);
  return getModel(db, modelId);
}

export function modelPath(db: Database.Database, id: string): string {
  return modelRow(db, id).path;
}

/** A model's architecture name, or undefined when the project has no model of that id. */
export function modelArch(db: Database.Database, id: string): string | undefined {
  return (db.prepare('SELECT arch FROM models WHERE id = ?').get(id) as { arch: string } | undefined)?.arch;
}
