import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { createProject, type ProjectHandle } from './project-folder';
import { paletteColor } from './classes';
import { insertImage } from './images';
import { setHumanClass } from './annotations';
import { projectStats } from './stats';
import { writePseudoLabels, nextRound } from './pseudo-labels';
import { applyBulk, applyReview, disagreements, previewBulk, reviewCounts, reviewQueue, undoLastReview } from './review';
import { tempDir } from '../test-support/fixtures';

let handle: ProjectHandle | null = null;
let cleanup = () => {};
afterEach(() => {
  handle?.close();
  handle = null;
  cleanup();
});

function setup(n = 6) {
  const t = tempDir();
  cleanup = t.cleanup;
  handle = createProject(join(t.dir, 'p'), 'classify', ['cat', 'dog'], paletteColor);
  const db = handle.db;
  db.prepare("INSERT INTO models (id, name, arch, kind, path) VALUES ('teacher', 't', 'small-cnn', 'trained', 'models/teacher')").run();
  const ids = Array.from({ length: n }, (_, i) =>
    insertImage(db, { sha256: String(i).padStart(64, '0'), originalPath: `/x/${i}.png`, fileName: `${i}.png`, mediaPath: `media/${i}.png`, width: 8, height: 8, format: 'png', bytes: 10, split: 'unlabeled' }),
  );
  // Confidences 0.5, 0.6, ... ; class cat for even, dog for odd.
  writePseudoLabels(
    db,
    ids.map((imageId, i) => ({ imageId, classId: i % 2 ? 2 : 1, confidence: 0.5 + i * 0.1, soft: i % 2 ? [0.5 - i * 0.05, 0.5 + i * 0.05] : [0.5 + i * 0.05, 0.5 - i * 0.05], entropy: 1 - i * 0.1, margin: i * 0.1 })),
    { modelId: 'teacher', round: 1, temperature: 2, author: 'teacher' },
  );
  return { db, ids };
}

describe('review of pseudo-labels', () => {
  test('the queue walks the most uncertain first, in pages, by each order and filter', () => {
    const { db, ids } = setup();
    const first = reviewQueue(db, 'confidence', {}, null, 4);
    expect(first.items.map((i) => i.imageId)).toEqual(ids.slice(0, 4));
    const second = reviewQueue(db, 'confidence', {}, first.next, 4);
    expect(second.items.map((i) => i.imageId)).toEqual(ids.slice(4));
    expect(second.next).toBeNull();
    expect(reviewQueue(db, 'entropy', {}, null, 2).items.map((i) => i.imageId)).toEqual(ids.slice(0, 2));
    expect(reviewQueue(db, 'margin', {}, null, 1).items[0]!.imageId).toBe(ids[0]);
    expect(reviewQueue(db, 'confidence', { classId: 2 }, null, 10).items.map((i) => i.imageId)).toEqual([ids[1], ids[3], ids[5]]);
    expect(reviewQueue(db, 'confidence', { minConfidence: 0.75 }, null, 10).items).toHaveLength(3);
    expect(reviewQueue(db, 'confidence', {}, null, 1).items[0]).toMatchObject({ round: 1, modelId: 'teacher', soft: [0.5, 0.5] });
    expect(nextRound(db)).toBe(2);
  });

  test('accept, reject and relabel change the image class; undo steps back one action at a time', () => {
    const { db, ids } = setup();
    const q = reviewQueue(db, 'confidence', {}, null, 10).items;
    applyReview(db, [q[0]!.annotationId], { kind: 'accept' }, 'ann');
    applyReview(db, [q[1]!.annotationId], { kind: 'reject' }, 'ann');
    applyReview(db, [q[2]!.annotationId], { kind: 'relabel', classId: 2 }, 'ann');
    expect(projectStats(db).pseudo).toEqual({ pending: 3, accepted: 1, rejected: 1, corrected: 1 });
    expect(projectStats(db).labeled).toBe(2); // accepted and corrected count as labels
    const classOf = (id: number) => (db.prepare('SELECT class_id FROM images WHERE id = ?').get(id) as { class_id: number | null }).class_id;
    expect([classOf(ids[0]!), classOf(ids[1]!), classOf(ids[2]!)]).toEqual([1, null, 2]);
    expect(undoLastReview(db, 'ann')).toEqual({ undone: 1 });
    expect(classOf(ids[2]!)).toBeNull();
    expect(undoLastReview(db, 'ann')).toEqual({ undone: 1 });
    expect(undoLastReview(db, 'ann')).toEqual({ undone: 1 });
    expect(projectStats(db).pseudo).toEqual({ pending: 6, accepted: 0, rejected: 0, corrected: 0 });
    expect(undoLastReview(db, 'ann')).toEqual({ undone: 0 });
  });

  test('bulk accept above a per-class threshold previews its count, applies it, and undoes as one step', () => {
    const { db } = setup();
    const rule = { mode: 'accept-above' as const, threshold: 0.7, perClass: { 2: 0.95 } };
    // cat (class 1): 0.5, 0.7, 0.9 -> 0.7 and 0.9 pass; dog (2): 0.6, 0.8, 1.0 -> only 1.0 passes 0.95.
    expect(previewBulk(db, rule)).toBe(3);
    expect(applyBulk(db, rule, 'ann').changed).toBe(3);
    expect(projectStats(db).pseudo.accepted).toBe(3);
    expect(previewBulk(db, { mode: 'reject-below', threshold: 0.65 })).toBe(2);
    expect(undoLastReview(db, 'ann')).toEqual({ undone: 3 });
    expect(projectStats(db).pseudo.accepted).toBe(0);
  });

  test('a confident teacher contradicting a human label is listed as a possible label error', () => {
    const { db, ids } = setup();
    setHumanClass(db, [ids[5]!], 1, 'ann'); // teacher says dog at 1.0
    setHumanClass(db, [ids[4]!], 1, 'ann'); // teacher agrees (cat)
    setHumanClass(db, [ids[1]!], 1, 'ann'); // teacher says dog, but only at 0.6
    expect(disagreements(db, 0.8, 10)).toEqual([expect.objectContaining({ imageId: ids[5], humanClassId: 1, teacherClassId: 2, confidence: 1 })]);
    const counts = reviewCounts(db);
    expect(counts.byClassAndRound.reduce((a, r) => a + r.count, 0)).toBe(6);
  });
});
