import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { ModelDetail, ModelInfo, ModelMetrics } from '../api/types';

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
  details: Pick<ModelDetail, 'history' | 'confusion' | 'misclassified' | 'options' | 'search' | 'input'> & { studentData?: { human: number; pseudo: number } };
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
  };
}

export function insertModel(db: Database.Database, m: NewModel): void {
  db.prepare(
    `INSERT INTO models (id, name, arch, kind, path, classes, metrics, backend, details, params, training_seconds, images_per_second)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(m.id, m.name, m.arch, m.kind, m.path, JSON.stringify(m.classes), JSON.stringify(m.metrics ?? {}), m.backend, JSON.stringify(m.details), m.params, m.trainingSeconds, m.imagesPerSecond);
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
  };
}

export function modelPath(db: Database.Database, id: string): string {
  return modelRow(db, id).path;
}
