import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { createProject, type ProjectHandle } from './project-folder';
import { paletteColor } from './classes';
import { insertImage } from './images';
import { deleteAnnotations, listAnnotations, setHumanClass } from './annotations';
import { addHumanTags } from './shapes';
import { insertModel } from './models';
import { writePseudoLabels } from './pseudo-labels';
import { applyReview } from './review';
import { setSetting } from './settings';
import { imageClassSets, isMultiLabelProject, setMultiLabelSetting } from './multi-label';
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
  // Class order cat, dog, bird: positions 0, 1, 2 (ids 1, 2, 3).
  handle = createProject(join(t.dir, 'p'), 'classify', ['cat', 'dog', 'bird'], paletteColor);
  const db = handle.db;
  const ids = [1, 2, 3, 4].map((n) =>
    insertImage(db, {
      sha256: `${n}`.repeat(64).slice(0, 64), originalPath: `/x/${n}.jpg`, fileName: `${n}.jpg`, mediaPath: `media/${n}.jpg`,
      width: 10, height: 10, format: 'jpeg', bytes: 100, split: 'train',
    }),
  );
  return { db, ids, cat: 1, dog: 2, bird: 3 };
}

describe('multi-label projects', () => {
  test('one class per image, even from two annotators agreeing, is single-label; two classes on one image make it multi-label', () => {
    const { db, ids, cat, dog } = setup();
    expect(isMultiLabelProject(db)).toBe(false);
    setHumanClass(db, [ids[0]!], cat, 'ann');
    db.transaction(() => addHumanTags(db, ids[1]!, [{ classId: dog, author: 'ann' }, { classId: dog, author: 'bob' }]))();
    expect(isMultiLabelProject(db)).toBe(false);
    db.transaction(() => addHumanTags(db, ids[2]!, [{ classId: dog, author: 'ann' }, { classId: cat, author: 'ann' }]))();
    expect(isMultiLabelProject(db)).toBe(true);
    // Deleting the second class makes it single-label again: only live tags count.
    const catTag = listAnnotations(db, ids[2]!).find((a) => a.kind === 'tag' && a.classId === cat)!;
    db.transaction(() => deleteAnnotations(db, [catTag.id], 'ann'))();
    expect(isMultiLabelProject(db)).toBe(false);
  });

  test("the multiLabel setting decides when it is 'true' or 'false'; cleared, the labels decide again", () => {
    const { db, ids, cat, dog } = setup();
    setMultiLabelSetting(db, true);
    expect(isMultiLabelProject(db)).toBe(true);
    db.transaction(() => addHumanTags(db, ids[0]!, [{ classId: dog, author: 'ann' }, { classId: cat, author: 'ann' }]))();
    setMultiLabelSetting(db, false);
    expect(isMultiLabelProject(db)).toBe(false);
    setMultiLabelSetting(db, null);
    expect(isMultiLabelProject(db)).toBe(true);
    // Any other value is not a decision: the labels decide.
    setSetting(db, 'multiLabel', 'yes');
    expect(isMultiLabelProject(db)).toBe(true);
  });

  test('class sets: human tag classes in class order (an annotator twice counts once), an accepted pseudo-label alone gives its class, unlabeled images have none', () => {
    const { db, ids, cat, dog, bird } = setup();
    // Image 1: bird then cat by ann, cat again by bob -> [cat, bird] (class order, not tag order).
    db.transaction(() => addHumanTags(db, ids[0]!, [{ classId: bird, author: 'ann' }, { classId: cat, author: 'ann' }, { classId: cat, author: 'bob' }]))();
    setHumanClass(db, [ids[1]!], dog, 'ann');
    // Image 3: a teacher's pending pseudo-label, then accepted by a person.
    insertModel(db, {
      id: 't', name: 't', arch: 'x', kind: 'imported', path: 'models/t', classes: ['cat', 'dog', 'bird'], metrics: null, backend: null,
      params: null, trainingSeconds: null, imagesPerSecond: null, wallImagesPerSecond: null, details: { history: [], confusion: [], misclassified: [], options: {}, search: null, input: { height: 1, width: 1, channels: 1 } },
    });
    writePseudoLabels(db, [{ imageId: ids[2]!, classId: bird, confidence: 0.9, soft: [0.05, 0.05, 0.9], entropy: 0.4, margin: 0.85 }], { modelId: 't', round: 1, temperature: 1, author: null });
    const pending = listAnnotations(db, ids[2]!).find((a) => a.source === 'pseudo')!;
    expect(imageClassSets(db).has(ids[2]!)).toBe(false);
    applyReview(db, [pending.id], { kind: 'accept' }, 'ann');
    expect(imageClassSets(db)).toEqual(new Map([[ids[0]!, [cat, bird]], [ids[1]!, [dog]], [ids[2]!, [bird]]]));
  });
});
