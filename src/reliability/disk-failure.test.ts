/**
 * Disk failures, simulated without root powers, a tmpfs or a real full disk:
 *
 * - "media folder refuses new files": as a normal user, the folder and its subfolders are made
 *   read-only (chmod 0555, EACCES). As root chmod does not stop writes, so the folder is moved
 *   aside and a regular file put in its place: every mkdir/write under it fails with ENOTDIR,
 *   exactly where a read-only or vanished disk would fail. The folder is put back afterwards.
 * - "disk full" for the database: `PRAGMA max_page_count` caps the open connection at its current
 *   size, so SQLite fails the next write that needs a page with SQLITE_FULL ("database or disk is
 *   full"), the same result code and rollback path as a real ENOSPC.
 *   Used for a label write and for an import (which then fails in its database batch).
 * - "read-only database": `PRAGMA query_only` on the open connection, so every write fails with
 *   SQLITE_READONLY ("attempt to write a readonly database"), as after a read-only remount.
 *
 * Each test checks: the failing call reports IO_ERROR with a message saying the disk refused,
 * the project reopens with `PRAGMA integrity_check` ok, and everything stored before is there.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppService } from '../service';
import { insertImage, openDatabase } from '../store';
import { tempDir, writeImage } from '../test-support/fixtures';
import type { ImportResult } from '../api/types';

let cleanup = () => {};
const services: AppService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  cleanup();
});

function newService(): AppService {
  const s = new AppService({ transport: 'in-process', log: () => {} });
  services.push(s);
  return s;
}

/** True when this process writes into a chmod 0555 folder anyway (root, or CAP_DAC_OVERRIDE). */
function permissionsAreIgnored(root: string): boolean {
  const probe = join(root, 'probe');
  mkdirSync(probe);
  chmodSync(probe, 0o555);
  try {
    writeFileSync(join(probe, 'x'), 'x');
    return true;
  } catch {
    return false;
  } finally {
    chmodSync(probe, 0o755);
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Make a folder refuse new files; returns how it was done and a function that undoes it. */
function refuseWrites(dir: string, root: string): { how: string; undo(): void } {
  if (!permissionsAreIgnored(root)) {
    const dirs: string[] = [];
    const walk = (d: string) => {
      dirs.push(d);
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(join(d, e.name));
    };
    walk(dir);
    for (const d of dirs) chmodSync(d, 0o555);
    return { how: 'chmod 0555 (EACCES)', undo: () => dirs.forEach((d) => chmodSync(d, 0o755)) };
  }
  renameSync(dir, `${dir}.aside`);
  writeFileSync(dir, 'this used to be a folder');
  return {
    how: 'folder replaced by a file (ENOTDIR)',
    undo: () => {
      rmSync(dir);
      renameSync(`${dir}.aside`, dir);
    },
  };
}

async function projectWithLabels(imageCount = 3) {
  const t = tempDir();
  cleanup = t.cleanup;
  const dir = join(t.dir, 'proj');
  const s = newService();
  const info = await s.invoke('project.create', { dir, classes: ['cat', 'dog'] });
  for (let i = 0; i < imageCount; i++) await writeImage(join(t.dir, 'first', `f${i}.jpg`), i);
  const { jobId } = await s.invoke('jobs.start', { kind: 'import', input: { paths: [join(t.dir, 'first')] } });
  expect((await s.waitForJob(jobId)).state).toBe('done');
  const ids = (await s.invoke('images.list', {})).items.map((i) => i.id);
  await s.invoke('labels.setClass', { imageIds: ids, classId: info.classes[0]!.id });
  return { root: t.dir, dir, s, info, ids, before: await stateOf(s, ids) };
}

/** Everything a person would notice: each image with its labels, and the counts. */
async function stateOf(s: AppService, ids: number[]) {
  return { images: await Promise.all(ids.map((id) => s.invoke('images.get', { id }))), stats: await s.invoke('stats.get', {}) };
}

/** Close the failed session, reopen the project with a fresh service, and check it is whole. */
async function reopenAndCheck(s: AppService, dir: string, ids: number[], before: Awaited<ReturnType<typeof stateOf>>) {
  await s.close();
  const check = openDatabase(join(dir, 'project.sqlite'));
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
  check.close();
  const again = newService();
  await again.invoke('project.open', { dir });
  expect(await stateOf(again, ids)).toEqual(before);
  return again;
}

const DISK_REFUSED = /disk refused/i;

describe('disk failures', () => {
  test('an import into a media folder that refuses writes fails with IO_ERROR; nothing stored before is lost', async () => {
    const { root, dir, s, ids, before } = await projectWithLabels();
    for (let i = 0; i < 4; i++) await writeImage(join(root, 'second', `s${i}.png`), 100 + i, { format: 'png' });
    const media = join(dir, 'media');
    const refusal = refuseWrites(media, root);
    let job;
    try {
      const { jobId } = await s.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'second')] } });
      job = await s.waitForJob(jobId);
    } finally {
      refusal.undo();
    }
    expect(job.state, refusal.how).toBe('failed');
    expect(job.error?.code, refusal.how).toBe('IO_ERROR');
    expect(job.error?.message).toMatch(DISK_REFUSED);
    expect(job.error?.message).toContain(media); // says where
    expect((await s.invoke('stats.get', {})).images).toBe(3);

    const again = await reopenAndCheck(s, dir, ids, before);
    // With the disk back, the same import works.
    const { jobId } = await again.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'second')] } });
    const retry = await again.waitForJob(jobId);
    expect((retry.result as ImportResult).imported).toBe(4);
  });

  test('a label write when the disk is full (SQLITE_FULL) fails with IO_ERROR and changes nothing', async () => {
    const { dir, s, info, ids, before } = await projectWithLabels();
    const db = s['session']!.db;
    // Many more images, so that labeling them all needs new database pages.
    const more = db.transaction(() =>
      Array.from({ length: 400 }, (_, i) =>
        insertImage(db, { sha256: `f${String(i).padStart(63, '0')}`, originalPath: `/x/${i}.png`, fileName: `${i}.png`, mediaPath: `m/${i}`, width: 4, height: 4, format: 'png', bytes: 1, split: 'unlabeled' }),
      ),
    )();
    const beforeAll = await stateOf(s, [...ids, ...more]);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);

    const reply = await s.handle('labels.setClass', { imageIds: [...ids, ...more], classId: info.classes[1]!.id });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('IO_ERROR');
    expect(reply.error.message).toMatch(DISK_REFUSED);
    expect(reply.error.message).toMatch(/SQLITE_FULL/);
    // The transaction was rolled back as a whole: not one of the 403 images changed.
    expect(await stateOf(s, [...ids, ...more])).toEqual(beforeAll);
    // Reading still works while the disk is full.
    expect((await s.invoke('images.list', { limit: 5 })).total).toBe(403);

    const again = await reopenAndCheck(s, dir, ids, { ...before, stats: beforeAll.stats });
    expect(await again.invoke('labels.setClass', { imageIds: more, classId: info.classes[1]!.id })).toEqual({ updated: 400 });
  });

  test('an import whose database fills up (SQLITE_FULL) fails with IO_ERROR; the job and the project stay whole', async () => {
    const { root, dir, s, ids, before } = await projectWithLabels();
    for (let i = 0; i < 30; i++) await writeImage(join(root, 'more', `m${i}.jpg`), 200 + i);
    const db = s['session']!.db;
    // One page of room: enough to record the job, not the 30 images.
    db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 1}`);
    const { jobId } = await s.invoke('jobs.start', { kind: 'import', input: { paths: [join(root, 'more')] } });
    const job = await s.waitForJob(jobId);
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('IO_ERROR');
    expect(job.error?.message).toMatch(/disk refused.*SQLITE_FULL/);
    expect(await stateOf(s, ids)).toEqual(before);
    await reopenAndCheck(s, dir, ids, before);
  });

  test('writes to a database that became read-only (SQLITE_READONLY) fail with IO_ERROR; reads go on', async () => {
    const { root, dir, s, info, ids, before } = await projectWithLabels();
    s['session']!.db.pragma('query_only = ON');
    await writeImage(join(root, 'late', 'l.jpg'), 77);
    const attempts = [
      await s.handle('labels.setClass', { imageIds: ids, classId: info.classes[1]!.id }),
      await s.handle('classes.add', { name: 'bird' }),
      await s.handle('jobs.start', { kind: 'import', input: { paths: [join(root, 'late')] } }),
      await s.handle('backups.create', {}),
    ];
    for (const r of attempts) {
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('IO_ERROR');
      expect(r.error.message).toMatch(DISK_REFUSED);
    }
    expect(await stateOf(s, ids)).toEqual(before);
    // The failed backup left no half file behind.
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);
    await reopenAndCheck(s, dir, ids, before);
  });

  test('a backup into a backups folder that refuses writes fails with IO_ERROR and leaves no file', async () => {
    const { root, dir, s, ids, before } = await projectWithLabels(1);
    const backups = join(dir, 'backups');
    const refusal = refuseWrites(backups, root);
    let reply;
    try {
      reply = await s.handle('backups.create', {});
    } finally {
      refusal.undo();
    }
    expect(reply.ok, refusal.how).toBe(false);
    if (!reply.ok) expect(reply.error.code, `${refusal.how}: ${reply.error.message}`).toBe('IO_ERROR');
    expect(statSync(backups).isDirectory()).toBe(true);
    expect(readdirSync(backups)).toEqual([]);
    await reopenAndCheck(s, dir, ids, before);
  });
});
