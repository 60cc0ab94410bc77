import { expect, test } from 'vitest';
import { join } from 'node:path';
import { AppError } from './errors';
import type { AppApi } from './contract';
import type { ImportResult } from './types';
import { writeBadFiles, writeImage } from '../test-support/fixtures';

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
export function contractSuite(name: string, make: () => Promise<ContractFixture>, done: () => Promise<void>) {
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
    } finally {
      await done();
    }
  });
}
