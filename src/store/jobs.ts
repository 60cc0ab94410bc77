import type Database from 'better-sqlite3';
import type { JobInfo, JobProgress, JobState } from '../api/types';

interface JobRow {
  id: string;
  kind: string;
  input: string;
  state: JobState;
  progress: string | null;
  result: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

function toInfo(r: JobRow): JobInfo {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    progress: r.progress ? (JSON.parse(r.progress) as JobProgress) : null,
    result: r.result ? JSON.parse(r.result) : null,
    error: r.error ? JSON.parse(r.error) : null,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

export function insertJob(db: Database.Database, id: string, kind: string, input: unknown): void {
  db.prepare(`INSERT INTO jobs (id, kind, input, state, started_at) VALUES (?, ?, ?, 'running', ${NOW})`).run(id, kind, JSON.stringify(input));
}

export function saveJobProgress(db: Database.Database, id: string, progress: JobProgress): void {
  db.prepare('UPDATE jobs SET progress = ? WHERE id = ?').run(JSON.stringify(progress), id);
}

export function finishJob(
  db: Database.Database,
  id: string,
  state: 'done' | 'failed' | 'cancelled',
  result: unknown,
  error: { code: string; message: string } | null,
): void {
  db.prepare(`UPDATE jobs SET state = ?, result = ?, error = ?, finished_at = ${NOW} WHERE id = ?`).run(
    state,
    result === undefined ? null : JSON.stringify(result),
    error ? JSON.stringify(error) : null,
    id,
  );
}

/** Jobs left 'running' by a crash or kill: mark them failed so the UI does not wait forever. */
export function failInterruptedJobs(db: Database.Database): number {
  return db
    .prepare(`UPDATE jobs SET state = 'failed', error = ?, finished_at = ${NOW} WHERE state IN ('queued', 'running')`)
    .run(JSON.stringify({ code: 'CANCELLED', message: 'Apprentice stopped while this job was running.' })).changes;
}

export function listJobs(db: Database.Database, limit: number): JobInfo[] {
  return (db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as JobRow[]).map(toInfo);
}

export function getJob(db: Database.Database, id: string): JobInfo | undefined {
  const row = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row ? toInfo(row) : undefined;
}
