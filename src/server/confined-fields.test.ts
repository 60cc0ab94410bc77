import { afterEach, describe, expect, test } from 'vitest';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AppService } from '../service';
import { pathInside } from '../store';
import { startWebServer } from './web-server';
import { tempDir, writeTopBottomDataset } from '../test-support/fixtures';

let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

/** Every file and folder below `root`, except those inside `skip` (the project), as relative paths. */
function listing(root: string, skip: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (full === skip) continue;
      out.push(relative(root, full));
      if (e.isDirectory()) visit(full);
    }
  };
  visit(root);
  return out.sort();
}

/** Every path-like field of the API, each with `..` and absolute values. */
const ESCAPES = ['../../../x', 'a/../../../x', '/tmp/apprentice-escape-x', '..'];
function attempts(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const v of ESCAPES) {
    out.push(['jobs.start', { kind: 'train', input: { epochs: 1, batchSize: 4, resume: v } }]);
    out.push(['models.get', { id: v }]);
    out.push(['teachers.setClassMap', { model: v, map: {} }]);
    out.push(['backups.restore', { name: `${v}.sqlite` }]);
  }
  return out;
}
/** Paths to files (not ids): confined to the web workspace. */
function fileAttempts(): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const v of ['../../../x', '/tmp/apprentice-escape-x']) {
    out.push(['jobs.start', { kind: 'export', input: { format: 'coco', out: v } }]);
    out.push(['jobs.start', { kind: 'export-model', input: { model: 'no-such-model', format: 'onnx', out: `${v}.onnx` } }]);
    out.push(['jobs.start', { kind: 'predict', input: { model: `${v}/model.json` } }]);
    out.push(['jobs.start', { kind: 'evaluate', input: { model: `${v}/model.json` } }]);
    out.push(['jobs.start', { kind: 'train', input: { epochs: 1, backbone: `${v}/model.json` } }]);
    out.push(['jobs.start', { kind: 'pseudo-label', input: { teacher: `${v}.onnx` } }]);
    out.push(['teachers.import', { file: `${v}.onnx` }]);
  }
  return out;
}

async function settle(service: AppService) {
  // A refused field starts no job; wait for any that did start (a bug) so its writes are visible.
  for (const j of await service.invoke('jobs.list', {})) await service.waitForJob(j.id);
}

/** An in-process service with a project of 10 imported images, closed and removed after the test. */
async function importedProject() {
  const t = tempDir();
  const service = new AppService({ transport: 'in-process' });
  cleanup = async () => {
    await service.close();
    t.cleanup();
  };
  const project = join(t.dir, 'proj');
  await service.invoke('project.create', { dir: project });
  await writeTopBottomDataset(join(t.dir, 'data'), 5, 8);
  await service.waitForJob((await service.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'data')] } })).jobId);
  return { t, service, project };
}

describe('path-like API fields are shaped and confined', () => {
  test('over HTTP: every id and path field with ".." or an absolute path is refused, and nothing is written outside the project', async () => {
    const t = tempDir();
    const workspace = join(t.dir, 'ws');
    mkdirSync(workspace, { recursive: true });
    const service = new AppService({ transport: 'web', workspace });
    const server = await startWebServer({ service, token: 'tok', staticDir: null });
    cleanup = async () => {
      await server.close();
      await service.close();
      t.cleanup();
    };
    const call = async (method: string, input: unknown) => {
      const res = await fetch(`http://127.0.0.1:${server.port}/api/${method}`, {
        method: 'POST',
        headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/json' },
        body: JSON.stringify(input),
      });
      return (await res.json()) as { ok: boolean; error?: { code: string; message: string } };
    };
    expect((await call('project.create', { dir: 'p' })).ok).toBe(true);
    const project = join(workspace, 'p');
    await writeTopBottomDataset(join(workspace, 'data'), 5, 8);
    const imp = await service.invoke('jobs.start', { kind: 'import', input: { paths: [join(workspace, 'data')] } });
    await service.waitForJob(imp.jobId);
    const before = listing(t.dir, project);

    const refused: string[] = [];
    for (const [method, input] of [...attempts(), ...fileAttempts()]) {
      const r = await call(method, input);
      expect(r.ok, `${method} ${JSON.stringify(input)} was accepted`).toBe(false);
      expect(['PATH_OUTSIDE_PROJECT', 'INVALID_INPUT'], `${method} ${JSON.stringify(input)}: ${r.error?.code} ${r.error?.message}`).toContain(r.error!.code);
      refused.push(method);
    }
    expect(refused.length).toBe(attempts().length + fileAttempts().length);
    await settle(service);
    expect((await service.invoke('jobs.list', {})).map((j) => j.kind)).toEqual(['import']);
    expect(listing(t.dir, project)).toEqual(before);
  });

  test('in-process: run ids, model ids and backup names with ".." or an absolute path are refused before anything is written', async () => {
    const { t, service, project } = await importedProject();
    const before = listing(t.dir, project);
    for (const [method, input] of attempts()) {
      const r = await service.handle(method, input);
      expect(r.ok, `${method} ${JSON.stringify(input)} was accepted`).toBe(false);
      if (!r.ok) expect(r.error.code, `${method} ${JSON.stringify(input)}`).toBe('INVALID_INPUT');
    }
    await settle(service);
    expect(listing(t.dir, project)).toEqual(before);
  });

  test('the join itself is confined: a models/runs folder that is a symlink out of the project stops the run before it writes there', async () => {
    const { t, service, project } = await importedProject();
    const elsewhere = join(t.dir, 'elsewhere');
    mkdirSync(elsewhere);
    mkdirSync(join(project, 'models'), { recursive: true });
    symlinkSync(elsewhere, join(project, 'models', 'runs'));
    const { jobId } = await service.invoke('jobs.start', { kind: 'train', input: { epochs: 1, batchSize: 4, resume: 'run-abc' } });
    const job = await service.waitForJob(jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('PATH_OUTSIDE_PROJECT');
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  test('pathInside: one plain name below the folder, nothing else', () => {
    const t = tempDir();
    cleanup = async () => t.cleanup();
    expect(pathInside(t.dir, ['models', 'runs'], 'run-m1-abc123', 'run id')).toBe(join(t.dir, 'models', 'runs', 'run-m1-abc123'));
    for (const bad of ['..', '.', '', '../x', 'a/b', '/etc', '.hidden', 'a\\..\\b', 'x\0']) {
      expect(() => pathInside(t.dir, ['models'], bad, 'model id'), bad).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
    mkdirSync(join(t.dir, 'p'));
    symlinkSync(join(t.dir), join(t.dir, 'p', 'models'));
    expect(() => pathInside(join(t.dir, 'p'), ['models'], 'm1', 'model id')).toThrow(expect.objectContaining({ code: 'PATH_OUTSIDE_PROJECT' }));
  });
});
