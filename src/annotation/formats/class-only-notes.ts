import type Database from 'better-sqlite3';
import { liveHumanTags, liveShapes, listClasses } from '../../store';
import type { IncludeSource } from '../labeled-images';
import type { FormatProblem } from './reports';

/**
 * What an export of image classes only (ImageFolder, the labels CSV) leaves out, one line per
 * image and reason: its regions (boxes, polygons...), and the classes beyond its first of a
 * multi-label image or of several annotators. `fileOf` names an image as the export does.
 */
export function classOnlyNotes(db: Database.Database, include: readonly IncludeSource[], format: string, fileOf: (imageId: number) => string): FormatProblem[] {
  const notes: FormatProblem[] = [];
  const kept = (source: string, status: string) => (source === 'human' ? include.includes('human') : (include as readonly string[]).includes(status));
  const regions = new Map<number, Map<string, number>>();
  for (const s of liveShapes(db)) {
    if (!kept(s.source, s.status)) continue;
    const byKind = regions.get(s.imageId) ?? new Map<string, number>();
    byKind.set(s.kind, (byKind.get(s.kind) ?? 0) + 1);
    regions.set(s.imageId, byKind);
  }
  for (const [imageId, byKind] of regions) {
    const what = [...byKind].map(([kind, n]) => `${n} ${kind}${n > 1 ? (kind === 'box' ? 'es' : 's') : ''}`).join(', ');
    notes.push({ file: fileOf(imageId), where: '', reason: `${format} holds image classes only; ${what} not written` });
  }
  if (include.includes('human')) {
    const names = new Map(listClasses(db).map((c) => [c.id, c.name]));
    const tags = new Map<number, string[]>();
    for (const t of liveHumanTags(db)) tags.set(t.imageId, [...(tags.get(t.imageId) ?? []), names.get(t.classId) ?? `class ${t.classId}`]);
    for (const [imageId, list] of tags) {
      const distinct = [...new Set(list)];
      if (distinct.length > 1) notes.push({ file: fileOf(imageId), where: '', reason: `${format} holds one class per image; the image's other classes (${distinct.slice(1).join(', ')}) are not written` });
    }
  }
  return notes;
}
