import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import { listClasses, studentPseudoRows } from '../../store';
import { packDistillationTargets } from '../losses/distillation';
import { decodeImages } from '../../media';
import type { InputSpec } from './input-spec';
import { labeledRows, splitRows, type ProjectData } from './project-data';

/** A soft label stored at temperature t, re-expressed at temperature T: p^(t/T), normalized. */
function retemper(soft: number[], from: number, to: number): number[] {
  const powered = soft.map((p) => Math.pow(Math.max(p, 1e-30), from / to));
  const sum = powered.reduce((a, b) => a + b, 0);
  return powered.map((p) => p / sum);
}

export interface StudentData extends ProjectData {
  counts: { human: number; pseudo: number; pendingUsed: number };
}

/**
 * What a student learns from: the human-labeled train images (hard labels, cross-entropy only)
 * plus every reviewed pseudo-label (of this round's teacher or an earlier one) — accepted ones
 * with their teacher's soft label and class, corrected ones with the person's class only (the
 * teacher was wrong) — and, if asked, this teacher's pending ones at or above a confidence.
 * Validation and test stay human-labeled only.
 */
export async function loadStudentData(
  db: Database.Database,
  projectDir: string,
  spec: InputSpec,
  teacherId: string,
  opts: { alpha: number; temperature: number | null; pendingAbove: number | null; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<StudentData> {
  const classes = listClasses(db);
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [c.id, i]));
  const human = labeledRows(db);
  const pseudo = studentPseudoRows(db, teacherId, opts.pendingAbove);
  if (!pseudo.length) {
    throw new AppError('INVALID_INPUT', `The teacher ${teacherId} has no accepted or corrected pseudo-labels yet: pseudo-label and review first (or use --pending-above).`);
  }
  const T = opts.temperature ?? pseudo.find((p) => p.temperature)?.temperature ?? 1;
  const all = [...human, ...pseudo.map((p) => ({ ...p, split: 'train' as const }))];
  const pixels = await decodeImages(projectDir, all, spec, { ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const size = spec.height * spec.width * spec.channels;
  const base = splitRows(db, human, pixels.subarray(0, human.length * size), spec);

  // Train = human train rows followed by pseudo rows, with distillation targets.
  const humanTrain = base.train;
  const n = humanTrain.n + pseudo.length;
  const x = new Float32Array(n * size);
  x.set(humanTrain.x);
  x.set(pixels.subarray(human.length * size), humanTrain.n * size);
  const hard = new Float32Array(n * k);
  hard.set(humanTrain.y);
  const soft = new Float32Array(n * k);
  const hasSoft = new Uint8Array(n);
  pseudo.forEach((p, j) => {
    const row = humanTrain.n + j;
    hard[row * k + index.get(p.class_id)!] = 1;
    if (p.status !== 'corrected' && p.soft_label) {
      const stored = JSON.parse(p.soft_label) as number[];
      if (stored.length === k) {
        soft.set(retemper(stored, p.temperature ?? T, T), row * k);
        hasSoft[row] = 1;
      }
    }
  });
  const y = packDistillationTargets(soft, hard, n, k, opts.alpha, T, (i) => hasSoft[i] === 1);
  return {
    ...base,
    train: { ...humanTrain, x, y, n, targetWidth: 2 * k + 2, imageIds: [...humanTrain.imageIds, ...pseudo.map((p) => p.id)] },
    counts: { human: humanTrain.n, pseudo: pseudo.length, pendingUsed: pseudo.filter((p) => p.status === 'pending').length },
  };
}
