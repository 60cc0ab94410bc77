import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { createProject, type ProjectHandle } from './project-folder';
import { addClass, paletteColor, removeClass } from './classes';
import { insertImage } from './images';
import { annotationHistory, listAnnotations, setHumanClass } from './annotations';
import { projectStats } from './stats';
import { addHumanTags, addShapes } from './shapes';
import { tempDir } from '../test-support/fixtures';

let cleanup = () => {};
let handle: ProjectHandle | null = null;
afterEach(() => {
  handle?.close();
  handle = null;
  cleanup();
});

function setup() {
  const t = tempDir();
  cleanup = t.cleanup;
  handle = createProject(join(t.dir, 'p'), 'classify', ['cat', 'dog'], paletteColor);
  const db = handle.db;
  const ids = [1, 2, 3].map((n) =>
    insertImage(db, {
      sha256: `${n}`.repeat(64).slice(0, 64),
      originalPath: `/x/${n}.jpg`,
      fileName: `${n}.jpg`,
      mediaPath: `media/${n}.jpg`,
      width: 10,
      height: 10,
      format: 'jpeg',
      bytes: 100,
      split: 'unlabeled',
    }),
  );
  return { db, ids, cat: 1, dog: 2 };
}

describe('annotation writes', () => {
  test('labeling, relabeling and clearing each leave a history row; the image class follows', () => {
    const { db, ids, cat, dog } = setup();
    expect(setHumanClass(db, [ids[0]!], cat, 'ann')).toBe(1);
    expect(setHumanClass(db, [ids[0]!], cat, 'ann')).toBe(0); // no change, no history
    expect(setHumanClass(db, [ids[0]!], dog, 'bob')).toBe(1);
    const live = listAnnotations(db, ids[0]!);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ classId: dog, source: 'human', author: 'bob', kind: 'tag' });
    expect(setHumanClass(db, [ids[0]!], null, 'bob')).toBe(1);
    expect(listAnnotations(db, ids[0]!)).toHaveLength(0);
    const history = annotationHistory(db, ids[0]!);
    expect(history.map((h) => h.action)).toEqual(['create', 'update', 'delete']);
    expect(history[1]!.before).toMatchObject({ class_id: cat });
    expect(history[1]!.after).toMatchObject({ class_id: dog, author: 'bob' });
    expect(projectStats(db).labeled).toBe(0);
  });

  test('a labeled image leaves the unlabeled split; a bulk label is one batch', () => {
    const { db, ids, cat } = setup();
    expect(setHumanClass(db, ids, cat, 'ann')).toBe(3);
    const splits = db.prepare('SELECT split FROM images').all() as { split: string }[];
    expect(splits.every((s) => ['train', 'val', 'test'].includes(s.split))).toBe(true);
    const batches = new Set(ids.flatMap((id) => annotationHistory(db, id).map((h) => h.batch)));
    expect(batches.size).toBe(1);
    expect(projectStats(db).classes).toEqual([{ name: 'cat', count: 3, regions: 0 }, { name: 'dog', count: 0, regions: 0 }]);
  });

  test('removing a class deletes its labels with history and keeps the others', () => {
    const { db, ids, cat, dog } = setup();
    setHumanClass(db, [ids[0]!, ids[1]!], cat, 'ann');
    setHumanClass(db, [ids[2]!], dog, 'ann');
    expect(removeClass(db, cat, 'ann')).toEqual({ removedAnnotations: 2 });
    expect(projectStats(db)).toMatchObject({ labeled: 1, classes: [{ name: 'dog', count: 1 }] });
    expect(annotationHistory(db, ids[0]!).map((h) => h.action)).toEqual(['create', 'delete']);
    expect(addClass(db, 'Cat').name).toBe('Cat'); // the name is free again
  });

  test('boxed images count as labeled, and several tags of one image stay apart until a person gives it one class', () => {
    const { db, ids, cat, dog } = setup();
    db.transaction(() => addShapes(db, ids[0]!, [{ classId: cat, kind: 'box', geometry: { x: 0, y: 0, w: 0.5, h: 0.5 }, attributes: { difficult: true } }], 'ann'))();
    expect(projectStats(db)).toMatchObject({ labeled: 1, unlabeled: 2 });
    expect(listAnnotations(db, ids[0]!)[0]).toMatchObject({ kind: 'box', attributes: { difficult: true } });
    db.transaction(() => addHumanTags(db, ids[1]!, [{ classId: cat, author: 'a@x' }, { classId: dog, author: 'a@x' }, { classId: dog, author: 'b@x' }, { classId: dog, author: 'b@x' }]))();
    expect(listAnnotations(db, ids[1]!).map((a) => [a.classId, a.author])).toEqual([[cat, 'a@x'], [dog, 'a@x'], [dog, 'b@x']]);
    expect(projectStats(db)).toMatchObject({ labeled: 2 });
    expect(setHumanClass(db, [ids[1]!], dog, 'ann')).toBe(1);
    expect(listAnnotations(db, ids[1]!).map((a) => [a.classId, a.author])).toEqual([[dog, 'ann']]);
  });
});
