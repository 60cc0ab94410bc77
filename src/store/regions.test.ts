import { afterEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { createProject, openProject, type ProjectHandle } from './project-folder';
import { paletteColor } from './classes';
import { insertImage } from './images';
import { annotationHistory } from './annotations';
import { liveShapes } from './shapes';
import { createRegions, deleteRegions, listRegions, MAX_REGION_STEPS, redoRegions, regionsState, undoRegions, updateRegions } from './regions';
import { getShortcutOverrides, setProjectTask, setShortcutOverrides } from './project-settings';
import { getSetting } from './settings';
import { validateInput } from '../api/validate';
import { tempDir } from '../test-support/fixtures';

let handle: ProjectHandle | null = null;
let cleanup = () => {};
afterEach(() => {
  handle?.close();
  handle = null;
  cleanup();
});

const box = (x: number, y = 0.1, w = 0.2, h = 0.2) => ({ x, y, w, h });
const tri = { points: [[0.1, 0.1], [0.5, 0.1], [0.3, 0.6]] as [number, number][] };

function setup() {
  const t = tempDir();
  cleanup = t.cleanup;
  const dir = join(t.dir, 'p');
  handle = createProject(dir, 'detect', ['cat', 'dog'], paletteColor);
  const db = handle.db;
  const images = [0, 1].map((i) =>
    insertImage(db, { sha256: String(i).padStart(64, '0'), originalPath: `/x/${i}.png`, fileName: `${i}.png`, mediaPath: `media/${i}.png`, width: 8, height: 8, format: 'png', bytes: 10, split: 'train' }),
  );
  return { db, dir, images: images as [number, number], cat: 1, dog: 2 };
}

function addPseudoBox(db: Database.Database, imageId: number, classId: number, geometry: object): number {
  db.prepare("INSERT OR IGNORE INTO models (id, name, arch, kind, path) VALUES ('teacher', 't', 'small-cnn', 'trained', 'models/teacher')").run();
  return Number(
    db
      .prepare("INSERT INTO annotations (image_id, class_id, kind, geometry, source, model_id, round, confidence, status) VALUES (?, ?, 'box', ?, 'pseudo', 'teacher', 1, 0.7, 'pending')")
      .run(imageId, classId, JSON.stringify(geometry)).lastInsertRowid,
  );
}

const summary = (db: Database.Database, imageId: number) => listRegions(db, imageId).map((r) => ({ id: r.id, classId: r.classId, geometry: r.geometry }));

describe('region editing with undo/redo', () => {
  test('create, update and delete are one step each; undo and redo walk them back and forth', () => {
    const { db, images, cat, dog } = setup();
    const [a, b] = createRegions(db, images[0], [{ classId: cat, kind: 'box', geometry: box(0.1) }, { classId: dog, kind: 'polygon', geometry: tri }], 'ann');
    expect(listRegions(db, images[0])).toEqual([
      { id: a, imageId: images[0], classId: cat, kind: 'box', geometry: box(0.1), source: 'human', status: 'accepted', confidence: null, modelId: null, round: null },
      { id: b, imageId: images[0], classId: dog, kind: 'polygon', geometry: tri, source: 'human', status: 'accepted', confidence: null, modelId: null, round: null },
    ]);
    expect(regionsState(db, images[0])).toMatchObject({ canUndo: true, canRedo: false });
    expect(regionsState(db, images[1])).toEqual({ imageId: images[1], regions: [], canUndo: false, canRedo: false });

    expect(updateRegions(db, images[0], [{ id: a!, geometry: box(0.5) }, { id: b!, classId: cat }], 'ann')).toBe(2);
    expect(deleteRegions(db, images[0], [a!], 'ann')).toBe(1);
    const afterAll = [{ id: b, classId: cat, geometry: tri }];
    expect(summary(db, images[0])).toEqual(afterAll);

    // Undo the delete, then the update (both regions at once), then the creation.
    expect(undoRegions(db, images[0], 'ann')).toMatchObject({ changed: 1, canUndo: true, canRedo: true });
    expect(summary(db, images[0])).toEqual([{ id: a, classId: cat, geometry: box(0.5) }, { id: b, classId: cat, geometry: tri }]);
    expect(undoRegions(db, images[0], 'ann').changed).toBe(2);
    expect(summary(db, images[0])).toEqual([{ id: a, classId: cat, geometry: box(0.1) }, { id: b, classId: dog, geometry: tri }]);
    const empty = undoRegions(db, images[0], 'ann');
    expect(empty).toEqual({ imageId: images[0], regions: [], canUndo: false, canRedo: true, changed: 2 });
    expect(undoRegions(db, images[0], 'ann').changed).toBe(0);
    expect(liveShapes(db)).toEqual([]);

    // Redo all three steps, in order.
    expect(redoRegions(db, images[0], 'ann').changed).toBe(2);
    expect(summary(db, images[0])).toEqual([{ id: a, classId: cat, geometry: box(0.1) }, { id: b, classId: dog, geometry: tri }]);
    expect(redoRegions(db, images[0], 'ann').changed).toBe(2);
    expect(redoRegions(db, images[0], 'ann')).toMatchObject({ changed: 1, canUndo: true, canRedo: false });
    expect(summary(db, images[0])).toEqual(afterAll);
    expect(redoRegions(db, images[0], 'ann').changed).toBe(0);
    expect(liveShapes(db).map((s) => s.classId)).toEqual([cat]);

    // History stays append-only: every undo and redo is recorded under its own batch.
    const batches = annotationHistory(db, images[0]).map((h) => h.batch!);
    expect(batches.filter((x) => x.startsWith('undo:'))).toHaveLength(5);
    expect(batches.filter((x) => x.startsWith('redo:'))).toHaveLength(5);
    expect(() => db.prepare('DELETE FROM annotation_history').run()).toThrow(/append-only/);
  });

  test('a new edit after undo drops the redo branch; each image has its own history', () => {
    const { db, images, cat } = setup();
    const [a] = createRegions(db, images[0], [{ classId: cat, kind: 'box', geometry: box(0.1) }], null);
    updateRegions(db, images[0], [{ id: a!, geometry: box(0.2) }], null);
    updateRegions(db, images[0], [{ id: a!, geometry: box(0.3) }], null);
    createRegions(db, images[1], [{ classId: cat, kind: 'box', geometry: box(0.7) }], null);
    undoRegions(db, images[0], null);
    undoRegions(db, images[0], null);
    expect(summary(db, images[0])[0]!.geometry).toEqual(box(0.1));
    expect(regionsState(db, images[0]).canRedo).toBe(true);

    updateRegions(db, images[0], [{ id: a!, geometry: box(0.6) }], null);
    expect(regionsState(db, images[0])).toMatchObject({ canUndo: true, canRedo: false });
    expect(redoRegions(db, images[0], null).changed).toBe(0);
    expect(summary(db, images[0])[0]!.geometry).toEqual(box(0.6));
    expect(db.prepare("SELECT COUNT(*) AS n FROM shape_edits WHERE image_id = ? AND state = 'undone'").get(images[0])).toEqual({ n: 0 });
    expect(undoRegions(db, images[0], null).changed).toBe(1);
    expect(summary(db, images[0])[0]!.geometry).toEqual(box(0.1));

    // The other image's step was never touched.
    expect(regionsState(db, images[1])).toMatchObject({ canUndo: true, canRedo: false, regions: [{ geometry: box(0.7) }] });
    // An update that changes nothing is no step (and keeps the redo branch).
    expect(updateRegions(db, images[0], [{ id: a!, geometry: box(0.1), classId: cat }], null)).toBe(0);
    expect(regionsState(db, images[0])).toMatchObject({ canUndo: true, canRedo: true });
  });

  test('the undo history survives closing and reopening the project', () => {
    const { dir, images, cat, dog } = setup();
    let db = handle!.db;
    const [a] = createRegions(db, images[0], [{ classId: cat, kind: 'box', geometry: box(0.1) }], null);
    updateRegions(db, images[0], [{ id: a!, classId: dog }], null);
    updateRegions(db, images[0], [{ id: a!, geometry: box(0.4) }], null);
    undoRegions(db, images[0], null);
    handle!.close();
    handle = openProject(dir);
    db = handle.db;
    expect(regionsState(db, images[0])).toMatchObject({ canUndo: true, canRedo: true, regions: [{ id: a, classId: dog, geometry: box(0.1) }] });
    expect(redoRegions(db, images[0], null).regions[0]!.geometry).toEqual(box(0.4));
    undoRegions(db, images[0], null);
    undoRegions(db, images[0], null);
    expect(summary(db, images[0])).toEqual([{ id: a, classId: cat, geometry: box(0.1) }]);
  });

  test("a person's fix of a pseudo box marks it corrected; deleting one rejects it; undo restores the teacher's", () => {
    const { db, images, cat, dog } = setup();
    const p = addPseudoBox(db, images[0], cat, box(0.1));
    const q = addPseudoBox(db, images[0], dog, box(0.5));
    expect(listRegions(db, images[0]).map((r) => [r.source, r.status, r.confidence, r.modelId, r.round])).toEqual([
      ['pseudo', 'pending', 0.7, 'teacher', 1],
      ['pseudo', 'pending', 0.7, 'teacher', 1],
    ]);

    updateRegions(db, images[0], [{ id: p, geometry: box(0.15) }], 'ann');
    expect(listRegions(db, images[0])[0]).toMatchObject({ id: p, status: 'corrected', source: 'pseudo', geometry: box(0.15), classId: cat });
    deleteRegions(db, images[0], [q], 'ann');
    expect(listRegions(db, images[0]).map((r) => r.id)).toEqual([p]);
    const rejected = db.prepare('SELECT status, deleted_at FROM annotations WHERE id = ?').get(q);
    expect(rejected).toEqual({ status: 'rejected', deleted_at: null });
    // A rejected region is no longer editable.
    expect(() => updateRegions(db, images[0], [{ id: q, classId: cat }], 'ann')).toThrow(/region \d+/);

    undoRegions(db, images[0], 'ann');
    expect(db.prepare('SELECT status, deleted_at FROM annotations WHERE id = ?').get(q)).toEqual({ status: 'pending', deleted_at: null });
    undoRegions(db, images[0], 'ann');
    expect(listRegions(db, images[0])[0]).toMatchObject({ id: p, status: 'pending', geometry: box(0.1) });
    redoRegions(db, images[0], 'ann');
    expect(listRegions(db, images[0])[0]).toMatchObject({ id: p, status: 'corrected', geometry: box(0.15) });

    // Deleting a human region soft-deletes it.
    const [h] = createRegions(db, images[0], [{ classId: dog, kind: 'box', geometry: box(0.7) }], 'ann');
    deleteRegions(db, images[0], [h!, h!], 'ann');
    expect(db.prepare('SELECT deleted_at IS NOT NULL AS gone FROM annotations WHERE id = ?').get(h)).toEqual({ gone: 1 });
  });

  test('ids of another image, unknown classes and mismatched geometry are refused and change nothing', () => {
    const { db, images, cat } = setup();
    const [a] = createRegions(db, images[0], [{ classId: cat, kind: 'box', geometry: box(0.1) }], null);
    const [other] = createRegions(db, images[1], [{ classId: cat, kind: 'box', geometry: box(0.1) }], null);
    const before = db.prepare('SELECT COUNT(*) AS n FROM annotation_history').get();

    expect(() => updateRegions(db, images[0], [{ id: a!, geometry: box(0.3) }, { id: other!, geometry: box(0.3) }], null)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining(String(other)) }),
    );
    expect(() => deleteRegions(db, images[0], [other!], null)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => deleteRegions(db, images[0], [9999], null)).toThrow(/9999/);
    expect(() => createRegions(db, images[0], [{ classId: cat, kind: 'box', geometry: box(0.2) }, { classId: 77, kind: 'box', geometry: box(0.2) }], null)).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining('77') }),
    );
    expect(() => createRegions(db, 4242, [{ classId: cat, kind: 'box', geometry: box(0.2) }], null)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(() => updateRegions(db, images[0], [{ id: a!, geometry: tri }], null)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    // The failed calls left no rows and no steps: the first change of the refused update was rolled back.
    expect(summary(db, images[0])).toEqual([{ id: a, classId: cat, geometry: box(0.1) }]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM annotation_history').get()).toEqual(before);
    expect(db.prepare('SELECT COUNT(*) AS n FROM shape_edits').get()).toEqual({ n: 2 });
    // Soft-deleted regions are gone for editing too.
    deleteRegions(db, images[0], [a!], null);
    expect(() => updateRegions(db, images[0], [{ id: a!, classId: cat }], null)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  test(`only the last ${MAX_REGION_STEPS} steps of an image are kept`, () => {
    const { db, images, cat } = setup();
    const [a] = createRegions(db, images[0], [{ classId: cat, kind: 'box', geometry: box(0) }], null);
    for (let i = 1; i <= MAX_REGION_STEPS + 4; i++) updateRegions(db, images[0], [{ id: a!, geometry: box(i / 1000) }], null);
    expect(db.prepare('SELECT COUNT(*) AS n FROM shape_edits WHERE image_id = ?').get(images[0])).toEqual({ n: MAX_REGION_STEPS });
    let undone = 0;
    while (undoRegions(db, images[0], null).changed) undone++;
    expect(undone).toBe(MAX_REGION_STEPS);
    expect(summary(db, images[0])[0]!.geometry).toEqual(box(4 / 1000));
  });

  test('input validation names the bad geometry field', () => {
    const bad = (input: unknown, field: RegExp) =>
      expect(() => validateInput('shapes.create', input)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(field) }));
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'box', geometry: { x: 0.9, y: 0, w: 0.2, h: 0.1 } }] }, /shapes\.0\.geometry\.w/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'box', geometry: { x: 0, y: 0.5, w: 0.2, h: 0.6 } }] }, /shapes\.0\.geometry\.h/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'box', geometry: { x: -0.1, y: 0, w: 0.2, h: 0.1 } }] }, /geometry\.x/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'box', geometry: { x: 0, y: 0, w: 0, h: 0.1 } }] }, /geometry\.w/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'box', geometry: { x: Number.NaN, y: 0, w: 0.1, h: 0.1 } }] }, /geometry\.x/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'box', geometry: { x: 0, y: 0, w: 0.1, h: 0.1, r: 1 } }] }, /geometry/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'polygon', geometry: { points: [[0, 0], [1, 1]] } }] }, /geometry\.points/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'polygon', geometry: { points: [[0, 0], [1, 1], [1.5, 0]] } }] }, /geometry\.points\.2\.0/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'circle', geometry: {} }] }, /shapes\.0\.kind/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'box', geometry: tri }] }, /shapes\.0\.geometry/);
    bad({ imageId: 1, shapes: [{ classId: 1, kind: 'polygon' }] }, /shapes\.0\.geometry/);
    bad({ imageId: 1, shapes: [] }, /shapes/);
    expect(() => validateInput('shapes.update', { imageId: 1, changes: [{ id: 1, geometry: { x: 0.5, y: 0, w: 0.6, h: 0.1 } }] })).toThrow(/changes\.0\.geometry\.w/);
    expect(() => validateInput('shapes.update', { imageId: 1, changes: [{ id: 1, geometry: { points: [[0, 0]] } }] })).toThrow(/changes\.0\.geometry\.points/);
    expect(validateInput('shapes.update', { imageId: 1, changes: [{ id: 1, geometry: { x: 0.8, y: 0.8, w: 0.2 + 1e-9, h: 0.2 } }] }).changes[0]!.geometry).toEqual({ x: 0.8, y: 0.8, w: 0.2 + 1e-9, h: 0.2 });
  });

  test('the task can be changed; shortcut overrides are stored per project and validated', () => {
    const { db } = setup();
    setProjectTask(db, 'segment');
    expect(getSetting(db, 'task')).toBe('segment');
    expect(getShortcutOverrides(db)).toEqual({});
    expect(setShortcutOverrides(db, { 'tool.box': ['b', 'Shift+B'], undo: [] })).toEqual({ 'tool.box': ['b', 'Shift+B'], undo: [] });
    expect(JSON.parse(getSetting(db, 'ui.shortcuts')!)).toEqual({ 'tool.box': ['b', 'Shift+B'], undo: [] });
    const bad = (overrides: unknown) => expect(() => validateInput('settings.setShortcuts', { overrides })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    bad({ 'Tool.box': ['b'] });
    bad({ 'tool.box.x': ['b'] });
    bad({ 'tool.box': ['a', 'b', 'c', 'd', 'e', 'f', 'g'] });
    bad({ 'tool.box': [''] });
    bad({ 'tool.box': ['a\u0007'] });
    bad({ 'tool.box': ['x'.repeat(41)] });
    bad(Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`s${i}`, ['a']])));
    expect(validateInput('settings.setShortcuts', { overrides: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`s${i}`, ['a']])) })).toBeTruthy();
  });
});
