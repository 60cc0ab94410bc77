import { expect, test } from 'vitest';
import { join } from 'node:path';
import { AppError } from '../api/errors';
import type { AppApi } from '../api/contract';
import type { ImportResult } from '../api/types';
import { checkingReplies } from './checking-replies';
import { writeBadFiles, writeImage } from './fixtures';

export interface ContractFixture {
  api: AppApi;
  /** A folder the client may create projects in and import from. */
  root: string;
  /** The `dir` to pass to project.create for a new project named `name`. */
  projectDir(name: string): string;
}

async function waitDone(api: AppApi, jobId: string) {
  for (let i = 0; i < 600; i++) {
    const job = await api.invoke('jobs.get', { jobId });
    if (job.state !== 'running' && job.state !== 'queued') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('job did not finish');
}

/**
 * The AppApi contract, run against every client (in-process, web). A method that behaves
 * differently on one transport fails here.
 */
export function contractSuite(name: string, makeClient: () => Promise<ContractFixture>, done: () => Promise<void>) {
  // Every reply of every call in the suite is checked against its method's result schema.
  const make = async (): Promise<ContractFixture> => {
    const fixture = await makeClient();
    return { ...fixture, api: checkingReplies(fixture.api) };
  };
  test(`${name}: a project is created, filled, labeled and reopened`, async () => {
    const { api, root, projectDir } = await make();
    try {
      expect(await api.invoke('project.current', {})).toBeNull();
      const info = await api.invoke('project.create', { dir: projectDir('alpha'), task: 'classify', classes: ['cat', 'dog'] });
      expect(info.classes.map((c) => c.name)).toEqual(['cat', 'dog']);
      for (let i = 0; i < 4; i++) await writeImage(join(root, 'in', `${i}.jpg`), i);
      writeBadFiles(join(root, 'in', 'bad'));

      const seen: string[] = [];
      const off = api.on('jobDone', (d) => seen.push(d.state));
      const { jobId } = await api.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'in')] } });
      const job = await waitDone(api, jobId);
      expect(job.state).toBe('done');
      const result = job.result as ImportResult;
      expect(result.imported).toBe(4);
      expect(result.errors).toHaveLength(3);

      const page = await api.invoke('images.list', { limit: 2 });
      expect(page.total).toBe(4);
      expect(page.items).toHaveLength(2);
      const cat = info.classes[0]!.id;
      expect(await api.invoke('labels.setClass', { imageIds: page.items.map((i) => i.id), classId: cat })).toEqual({ updated: 2 });
      expect((await api.invoke('images.list', { classId: cat })).items.map((i) => i.id)).toEqual(page.items.map((i) => i.id));
      expect((await api.invoke('images.list', { labeled: false })).total).toBe(2);
      const stats = await api.invoke('stats.get', {});
      expect(stats).toMatchObject({ images: 4, labeled: 2, unlabeled: 2, classes: [{ name: 'cat', count: 2 }, { name: 'dog', count: 0 }] });

      await api.invoke('project.close', {});
      expect(await api.invoke('project.current', {})).toBeNull();
      const again = await api.invoke('project.open', { dir: projectDir('alpha') });
      expect(again.name).toBe('alpha');
      expect((await api.invoke('stats.get', {})).labeled).toBe(2);
      expect((await api.invoke('project.recent', {})).map((r) => r.name)).toContain('alpha');
      // The event stream may attach after the job ended on a fast machine; the state above is what counts.
      off();
      expect(seen.every((s) => s === 'done')).toBe(true);
    } finally {
      await done();
    }
  });

  test(`${name}: classes are added, renamed, recolored and removed with their labels`, async () => {
    const { api, root, projectDir } = await make();
    try {
      await api.invoke('project.create', { dir: projectDir('beta'), classes: ['a'] });
      const b = await api.invoke('classes.add', { name: 'b' });
      expect(b.color).toMatch(/^#[0-9a-f]{6}$/i);
      await expect(api.invoke('classes.add', { name: 'B' })).rejects.toMatchObject({ code: 'CONFLICT' });
      const renamed = await api.invoke('classes.update', { id: b.id, name: 'bee', color: '#112233' });
      expect(renamed).toMatchObject({ name: 'bee', color: '#112233' });
      await writeImage(join(root, 'one.jpg'), 9);
      const job = await waitDone(api, (await api.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'one.jpg')] } })).jobId);
      expect(job.state).toBe('done');
      const img = (await api.invoke('images.list', {})).items[0]!;
      await api.invoke('labels.setClass', { imageIds: [img.id], classId: b.id });
      expect(await api.invoke('classes.remove', { id: b.id })).toEqual({ removedAnnotations: 1 });
      expect((await api.invoke('classes.list', {})).map((c) => c.name)).toEqual(['a']);
      expect((await api.invoke('images.get', { id: img.id })).classId).toBeNull();
    } finally {
      await done();
    }
  });

  test(`${name}: regions are drawn, edited, deleted, undone and redone per image`, async () => {
    const { api, root, projectDir } = await make();
    try {
      const info = await api.invoke('project.create', { dir: projectDir('regions'), task: 'classify', classes: ['cat', 'dog'] });
      expect((await api.invoke('project.setTask', { task: 'detect' })).task).toBe('detect');
      const [cat, dog] = info.classes.map((c) => c.id) as [number, number];
      for (let i = 0; i < 2; i++) await writeImage(join(root, 'shapes', `${i}.jpg`), 20 + i);
      expect((await waitDone(api, (await api.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'shapes')] } })).jobId)).state).toBe('done');
      const [img, other] = (await api.invoke('images.list', {})).items.map((i) => i.id) as [number, number];

      const labels: string[] = [];
      const off = api.on('projectChanged', (e) => labels.push(e.what));
      const made = await api.invoke('shapes.create', {
        imageId: img,
        shapes: [
          { classId: cat, kind: 'box', geometry: { x: 0.1, y: 0.1, w: 0.3, h: 0.3 } },
          { classId: dog, kind: 'polygon', geometry: { points: [[0.5, 0.5], [0.9, 0.5], [0.7, 0.9]] } },
        ],
      });
      expect(made).toMatchObject({ imageId: img, canUndo: true, canRedo: false });
      expect(made.regions.map((r) => r.id)).toEqual(made.created);
      const [boxId, polyId] = made.created as [number, number];
      const moved = await api.invoke('shapes.update', { imageId: img, changes: [{ id: boxId, geometry: { x: 0.2, y: 0.2, w: 0.3, h: 0.3 }, classId: dog }] });
      expect(moved.regions[0]).toMatchObject({ id: boxId, classId: dog, geometry: { x: 0.2, y: 0.2, w: 0.3, h: 0.3 }, source: 'human' });
      expect((await api.invoke('shapes.delete', { imageId: img, ids: [polyId] })).regions.map((r) => r.id)).toEqual([boxId]);

      const undone = await api.invoke('shapes.undo', { imageId: img });
      expect(undone).toMatchObject({ changed: 1, canUndo: true, canRedo: true });
      expect(undone.regions.map((r) => r.id)).toEqual([boxId, polyId]);
      expect((await api.invoke('shapes.undo', { imageId: img })).regions[0]!.geometry).toEqual({ x: 0.1, y: 0.1, w: 0.3, h: 0.3 });
      expect((await api.invoke('shapes.redo', { imageId: img })).regions[0]!.classId).toBe(dog);
      expect(await api.invoke('shapes.undo', { imageId: other })).toEqual({ imageId: other, regions: [], canUndo: false, canRedo: false, changed: 0 });
      await expect(api.invoke('shapes.delete', { imageId: other, ids: [boxId] })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(String(boxId)) });
      await expect(api.invoke('shapes.create', { imageId: img, shapes: [{ classId: 999, kind: 'box', geometry: { x: 0, y: 0, w: 0.1, h: 0.1 } }] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.invoke('shapes.create', { imageId: img, shapes: [{ classId: cat, kind: 'box', geometry: { x: 0.8, y: 0, w: 0.3, h: 0.1 } }] })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('shapes.0.geometry.w'),
      });
      off();
      expect(labels).toContain('labels');

      expect(await api.invoke('settings.shortcuts', {})).toEqual({});
      expect(await api.invoke('settings.setShortcuts', { overrides: { 'tool.box': ['b'], undo: ['Mod+Z', 'U'] } })).toEqual({ 'tool.box': ['b'], undo: ['Mod+Z', 'U'] });
      await expect(api.invoke('settings.setShortcuts', { overrides: { 'tool.box': ['a\n'] } })).rejects.toMatchObject({ code: 'INVALID_INPUT' });

      // After reopening the project: the same regions, task, shortcuts and undo history.
      await api.invoke('project.close', {});
      expect((await api.invoke('project.open', { dir: projectDir('regions') })).task).toBe('detect');
      expect(await api.invoke('shapes.list', { imageId: img })).toMatchObject({ canUndo: true, canRedo: true, regions: [{ id: boxId, classId: dog }, { id: polyId }] });
      expect(await api.invoke('settings.shortcuts', {})).toEqual({ 'tool.box': ['b'], undo: ['Mod+Z', 'U'] });
      expect((await api.invoke('shapes.redo', { imageId: img })).regions.map((r) => r.id)).toEqual([boxId]);
    } finally {
      await done();
    }
  });

  test(`${name}: the app, split, review, zoo and job-list methods answer in the shapes their descriptors give`, async () => {
    const { api, root, projectDir } = await make();
    try {
      expect(await api.invoke('app.info', {})).toMatchObject({ name: 'Apprentice', transport: name });
      await api.invoke('project.create', { dir: projectDir('delta'), classes: ['a'] });
      await writeImage(join(root, 'two.jpg'), 11);
      const job = await waitDone(api, (await api.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'two.jpg')] } })).jobId);
      const img = (await api.invoke('images.list', {})).items[0]!;
      expect(await api.invoke('images.setSplit', { imageIds: [img.id], split: 'val' })).toEqual({ updated: 1 });
      expect((await api.invoke('images.get', { id: img.id })).split).toBe('val');
      // No pseudo-labels yet: nothing to change, undo or disagree with.
      expect(await api.invoke('review.bulk', { mode: 'accept-above', threshold: 0.5, dryRun: true })).toEqual({ changed: 0 });
      expect(await api.invoke('review.undo', {})).toEqual({ undone: 0 });
      expect(await api.invoke('review.disagreements', {})).toEqual([]);
      expect(Array.isArray(await api.invoke('training.zoo', {}))).toBe(true);
      expect((await api.invoke('jobs.list', {})).map((j) => [j.id, j.kind, j.state])).toContainEqual([job.id, 'import', 'done']);
    } finally {
      await done();
    }
  });

  test(`${name}: bad input comes back as coded errors naming the field`, async () => {
    const { api, projectDir } = await make();
    try {
      await expect(api.invoke('stats.get', {})).rejects.toMatchObject({ code: 'NO_PROJECT' });
      await api.invoke('project.create', { dir: projectDir('gamma') });
      const err = await api.invoke('images.list', { limit: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('limit') });
      await expect(api.invoke('images.list', { bogus: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(api.invoke('images.get', { id: 12345 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.invoke('labels.setClass', { imageIds: [1], classId: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(api.invoke('classes.add', { name: 'a/b' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(api.invoke('project.create', { dir: projectDir('gamma') })).rejects.toMatchObject({ code: 'PROJECT_EXISTS' });
      await expect(api.invoke('project.open', { dir: projectDir('nope') })).rejects.toMatchObject({ code: 'NOT_A_PROJECT' });
      // Box review and teacher class maps: the same answers and errors on every transport.
      expect(await api.invoke('review.images', {})).toEqual({ items: [], next: null });
      await expect(api.invoke('review.images', { order: 'entropy' } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(api.invoke('teachers.setClassMap', { model: 'nope', map: { a: null } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await done();
    }
  });
}
