import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { ImportError, PseudoLabelResult, Split } from '../api/types';
import type { JobContext } from '../jobs/types';
import { countImages, getImageRow, getModel, imagesToPseudoLabel, listClasses, modelArch, nextRound, teacherClassMap, teacherLabelRound, withWriteLock, writePseudoLabels, type NewPseudoLabel } from '../store';
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
  const arch = modelArch(db, teacherId);
  if (arch === DETECTOR_ARCH) throw new AppError('INVALID_INPUT', `Model "${teacherId}" is a detector: it pre-labels boxes, not image classes.`);
  const chosen = arch !== undefined ? teacherClassMap(db, teacherId) : null;
  // Skips images this teacher already labeled (a cancelled run resumes) and images whose
  // pseudo-label a person (or a threshold) already accepted or corrected.
  const todo = imagesToPseudoLabel(db, input.split, teacherId);
  const already = countImages(db, input.split) - todo.length;
  const round = teacherLabelRound(db, teacherId) ?? nextRound(db);
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
    // Waits for the write lock on a timer: pseudo-labeling beside a CLI import never freezes serve.
    const written = await withWriteLock(db, () => writePseudoLabels(db, rows, { modelId: teacherId, round, temperature: input.temperature, author }));
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
