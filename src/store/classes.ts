import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { ClassInfo } from '../api/types';
import { deleteAnnotations } from './annotations';

/** A palette that stays readable on light and dark backgrounds; cycled for new classes. */
export const CLASS_PALETTE = [
  '#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46f0f0', '#f032e6', '#bcf60c',
  '#fabebe', '#008080', '#e6beff', '#9a6324', '#fffac8', '#800000', '#aaffc3', '#808000',
];
export const paletteColor = (i: number): string => CLASS_PALETTE[i % CLASS_PALETTE.length]!;

export function listClasses(db: Database.Database): ClassInfo[] {
  return db.prepare('SELECT id, name, color, position FROM classes ORDER BY position, id').all() as ClassInfo[];
}

export function getClass(db: Database.Database, id: number): ClassInfo {
  const row = db.prepare('SELECT id, name, color, position FROM classes WHERE id = ?').get(id) as ClassInfo | undefined;
  if (!row) throw new AppError('NOT_FOUND', `There is no class with id ${id}.`);
  return row;
}

/** Class names are case-sensitive: "Dog" and "dog" are two classes when a dataset says so. */
export function findClassByName(db: Database.Database, name: string): ClassInfo | undefined {
  return db.prepare('SELECT id, name, color, position FROM classes WHERE name = ?').get(name) as ClassInfo | undefined;
}

/**
 * The class a person means by a name: the exact one, else the only one that differs by case
 * ("pedestrian" for "Pedestrian"); undefined when there is none or the case leaves it ambiguous.
 */
export function findClassNamed(db: Database.Database, name: string): ClassInfo | undefined {
  const exact = findClassByName(db, name);
  if (exact) return exact;
  const twins = db.prepare('SELECT id, name, color, position FROM classes WHERE name = ? COLLATE NOCASE').all(name) as ClassInfo[];
  return twins.length === 1 ? twins[0] : undefined;
}

/**
 * A name a person types must differ from every other class by more than case ("Dog" next to
 * "dog" is nearly always a typo); a dataset that has both keeps both (`caseTwinAllowed`).
 */
function assertNameFree(db: Database.Database, name: string, exceptId?: number, caseTwinAllowed = false): void {
  const other = caseTwinAllowed
    ? findClassByName(db, name)
    : (db.prepare('SELECT id, name FROM classes WHERE name = ? COLLATE NOCASE AND id IS NOT ? ORDER BY name = ? DESC').get(name, exceptId ?? null, name) as { id: number; name: string } | undefined);
  if (other && other.id !== exceptId) throw new AppError('CONFLICT', `A class named "${other.name}" already exists.`);
}

/**
 * `sourceId`: the id the class had in the dataset it came from (a COCO category id), written back
 * on export. `fromDataset`: a dataset's own name, kept even beside one that differs only in case.
 */
export function addClass(db: Database.Database, name: string, color?: string, sourceId?: number, fromDataset = false): ClassInfo {
  assertNameFree(db, name, undefined, fromDataset);
  const position = (db.prepare('SELECT COALESCE(MAX(position) + 1, 0) AS p FROM classes').get() as { p: number }).p;
  const info = db.prepare('INSERT INTO classes (name, color, position, source_id) VALUES (?, ?, ?, ?)').run(name, color ?? paletteColor(position), position, sourceId ?? null);
  return getClass(db, Number(info.lastInsertRowid));
}

/** Find each name's class, creating the missing ones (imports name classes by folder or column). */
export function ensureClasses(db: Database.Database, names: Iterable<string>, sourceIds: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  const ids = new Map<string, number>();
  for (const name of names) {
    const existing = findClassByName(db, name);
    ids.set(name, existing ? existing.id : addClass(db, name, undefined, sourceIds.get(name), true).id);
  }
  return ids;
}

/** The dataset id of each class that has one (class id -> source id), for exports. */
export function classSourceIds(db: Database.Database): Map<number, number> {
  const rows = db.prepare('SELECT id, source_id AS sourceId FROM classes WHERE source_id IS NOT NULL').all() as { id: number; sourceId: number }[];
  return new Map(rows.map((r) => [r.id, r.sourceId]));
}

export function updateClass(db: Database.Database, id: number, changes: { name?: string; color?: string }): ClassInfo {
  getClass(db, id);
  if (changes.name !== undefined) {
    assertNameFree(db, changes.name, id);
    db.prepare('UPDATE classes SET name = ? WHERE id = ?').run(changes.name, id);
  }
  if (changes.color !== undefined) db.prepare('UPDATE classes SET color = ? WHERE id = ?').run(changes.color, id);
  return getClass(db, id);
}

/**
 * Remove a class. Its live annotations are deleted first, each with a history row, so the
 * removal is auditable; all in one transaction.
 */
export function removeClass(db: Database.Database, id: number, author: string | null): { removedAnnotations: number } {
  return db.transaction(() => {
    getClass(db, id);
    const annIds = (db.prepare('SELECT id FROM annotations WHERE class_id = ? AND deleted_at IS NULL').all(id) as { id: number }[]).map((r) => r.id);
    deleteAnnotations(db, annIds, author);
    db.prepare('DELETE FROM classes WHERE id = ?').run(id);
    return { removedAnnotations: annIds.length };
  }).immediate();
}

/** How many classes the project has. */
export function countClasses(db: Database.Database): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM classes').get() as { n: number }).n;
}
