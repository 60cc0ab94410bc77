import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { ImportError, PseudoLabelResult, Split } from '../api/types';
import type { JobContext } from '../jobs/types';
import { getImageRow, getModel, listClasses, nextRound, teacherClassMap, writePseudoLabels, type NewPseudoLabel } from '../store';
import { classMapping, entropy, margin, soften, toProjectOrder } from './soft-labels';
import { DETECTOR_ARCH } from './yolo-decode';

export interface PseudoLabelInput {
  teacher: string;
  temperature: number;
  split: Split;
}

type Predict = (imageIds: number[], ctx: JobContext) => Promise<{ classes: string[]; predictions: { imageId: number; probs: number[] }[] }>;

/** Images per worker call: progress and a cancel keep what was stored before them. */
const CHUNK = 2000;

/**
 * Pseudo-label a split with a teacher: its predictions are mapped to the project's classes by
 * name, softened to temperature T, and stored as pending tags with confidence, entropy, margin,
 * model and round. Images this teacher already labeled are skipped, so a cancelled run resumes.
 */
export async function pseudoLabel(
  db: Database.Database,
  teacherId: string,
  input: PseudoLabelInput,
  predict: Predict,
  ctx: JobContext,
  author: string | null,
): Promise<PseudoLabelResult> {
  const projectClasses = listClasses(db);
  if (projectClasses.length < 2) throw new AppError('INVALID_INPUT', 'Pseudo-labeling needs at least two classes in the project.');
  const teacher = db.prepare('SELECT arch FROM models WHERE id = ?').get(teacherId) as { arch: string } | undefined;
  if (teacher?.arch === DETECTOR_ARCH) throw new AppError('INVALID_INPUT', `Model "${teacherId}" is a detector: it pre-labels boxes, not image classes.`);
  const chosen = teacher ? teacherClassMap(db, teacherId) : null;
  const todo = (
    db
      .prepare(
        // Skip images this teacher already labeled (a cancelled run resumes) and images whose
        // pseudo-label a person (or a threshold) already accepted or corrected.
        `SELECT id FROM images i WHERE split = ? AND NOT EXISTS (
           SELECT 1 FROM annotations a WHERE a.image_id = i.id AND a.source = 'pseudo' AND a.deleted_at IS NULL
              AND (a.model_id = ? OR a.status IN ('accepted', 'corrected')))
         ORDER BY id`,
      )
      .all(input.split, teacherId) as { id: number }[]
  ).map((r) => r.id);
  const already = (db.prepare('SELECT COUNT(*) AS n FROM images WHERE split = ?').get(input.split) as { n: number }).n - todo.length;
  const round = (db.prepare("SELECT round FROM annotations WHERE source = 'pseudo' AND model_id = ? AND deleted_at IS NULL LIMIT 1").get(teacherId) as { round: number } | undefined)?.round ?? nextRound(db);
  let labeled = 0;
  let skipped = already;
  let unmapped: string[] = [];
  let predicted = 0;
  const notANumber: number[] = [];
  for (let start = 0; start < todo.length; start += CHUNK) {
    if (ctx.signal.aborted) break;
    const chunk = todo.slice(start, start + CHUNK);
    const { classes, predictions } = await predict(chunk, {
      signal: ctx.signal,
      ...(ctx.scope ? { scope: ctx.scope } : {}),
      onProgress: (u) => ctx.onProgress({ phase: 'pseudo-labeling', step: start + Math.min(u.step, chunk.length), total: todo.length }),
    });
    const mapping = classMapping(classes, projectClasses, chosen);
    unmapped = mapping.unmapped;
    if (mapping.index.every((i) => i === null)) {
      throw new AppError('INVALID_INPUT', `None of the teacher's classes (${classes.join(', ')}) is a class of this project; add or rename classes to match.`);
    }
    const rows: NewPseudoLabel[] = [];
    for (const p of predictions) {
      predicted++;
      if (!Array.from(p.probs).every(Number.isFinite)) {
        skipped++; // reported in errors below
        notANumber.push(p.imageId);
        continue;
      }
      const probs = toProjectOrder(p.probs, mapping.index, projectClasses.length);
      if (!probs) {
        skipped++; // the teacher only saw classes the project does not have
        continue;
      }
      let best = 0;
      for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[best]!) best = c;
      rows.push({ imageId: p.imageId, classId: projectClasses[best]!.id, confidence: probs[best]!, soft: soften(probs, input.temperature), entropy: entropy(probs), margin: margin(probs) });
    }
    const written = writePseudoLabels(db, rows, { modelId: teacherId, round, temperature: input.temperature, author });
    labeled += written.written;
    skipped += written.kept;
    ctx.onProgress({ phase: 'pseudo-labeling', step: Math.min(todo.length, start + CHUNK), total: todo.length, metrics: { labeled } });
  }
  return { labeled, skipped, errors: notANumberErrors(db, teacherId, notANumber, predicted), round, unmappedClasses: unmapped };
}

/**
 * Images the teacher gave NaN (or infinite) outputs for, which are skipped: one entry per image,
 * or, when it did so for every image of the run, one entry that names the model and the count.
 */
export function notANumberErrors(db: Database.Database, teacherId: string, imageIds: number[], predicted: number): ImportError[] {
  if (imageIds.length === 0) return [];
  const model = getModel(db, teacherId);
  const source = (model.options as { source?: unknown }).source;
  const name = `"${model.name || teacherId}"`;
  if (imageIds.length > 1 && imageIds.length === predicted) {
    return [{
      path: typeof source === 'string' ? source : teacherId,
      reason: `The teacher ${name} output NaN (not a number) for all ${predicted} images, so none was labeled: its weights or the preprocessing it was given (input size, scale, mean, std, layout) are likely wrong.`,
    }];
  }
  return imageIds.map((id) => ({ path: getImageRow(db, id).original_path, reason: `The teacher ${name} output NaN (not a number) for this image, so it was not labeled.` }));
}
