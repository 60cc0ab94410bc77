import type Database from 'better-sqlite3';
import { AppError } from '../api/errors';
import type { PseudoLabelResult, Split } from '../api/types';
import type { JobContext } from '../jobs/types';
import type { ScoredBox } from '../annotation';
import { countImages, getModel, imagesToPseudoLabelBoxes, listClasses, nextRound, teacherClassMap, teacherRound, withWriteLock, writePseudoBoxes, type NewPseudoBox } from '../store';
import { classMapping } from './soft-labels';
import { notANumberErrors } from './pseudo-label';

/** What the engine worker's detector returns for some images: boxes in the teacher's class indexes. */
export interface Detections {
  classes: string[];
  /** notANumber: the teacher's output for the image was NaN (or infinite), so it has no boxes to tell. */
  detections: { imageId: number; boxes: ScoredBox[]; notANumber?: boolean }[];
}

type Detect = (imageIds: number[], ctx: JobContext) => Promise<Detections>;

/** Images per worker call: progress and a cancel keep what was stored before them. */
const CHUNK = 2000;

/**
 * Pseudo-label a split with a detector teacher: its boxes are mapped to the project's classes
 * (the class map a person set, else by name), boxes of ignored or unknown classes dropped, and
 * each kept box stored as a pending pseudo box with its score as confidence, the model and the
 * round. An image where it finds nothing is labeled with zero boxes. Images this teacher already
 * labeled (boxes or none) and images a person decided are skipped, so a cancelled run resumes
 * where it stopped without duplicating boxes.
 */
export async function pseudoLabelBoxes(
  db: Database.Database,
  teacherId: string,
  input: { split: Split },
  detect: Detect,
  ctx: JobContext,
  author: string | null,
  options: { chunk?: number } = {},
): Promise<PseudoLabelResult> {
  const projectClasses = listClasses(db);
  if (!projectClasses.length) throw new AppError('INVALID_INPUT', 'Pseudo-labeling boxes needs at least one class in the project.');
  const teacherClasses = getModel(db, teacherId).classes;
  const mapping = classMapping(teacherClasses, projectClasses, teacherClassMap(db, teacherId));
  if (mapping.index.every((i) => i === null)) {
    throw new AppError('INVALID_INPUT', `None of the teacher's classes (${teacherClasses.join(', ')}) labels a class of this project; map them in the model's class map, or add or rename classes to match.`);
  }
  // Skips images this teacher already labeled (with boxes, or none) and images where a person
  // decided about shapes.
  const todo = imagesToPseudoLabelBoxes(db, input.split, teacherId);
  const already = countImages(db, input.split) - todo.length;
  const round = teacherRound(db, teacherId) ?? nextRound(db);
  const chunkSize = options.chunk ?? CHUNK;
  let labeled = 0;
  let boxes = 0;
  let emptyImages = 0;
  let skipped = already;
  let predicted = 0;
  const notANumber: number[] = [];
  for (let start = 0; start < todo.length; start += chunkSize) {
    if (ctx.signal.aborted) break;
    const chunk = todo.slice(start, start + chunkSize);
    const { detections } = await detect(chunk, {
      signal: ctx.signal,
      ...(ctx.scope ? { scope: ctx.scope } : {}),
      onProgress: (u) => ctx.onProgress({ phase: 'pseudo-labeling', step: start + Math.min(u.step, chunk.length), total: todo.length, metrics: { labeled, boxes } }),
    });
    predicted += detections.length;
    const usable = detections.filter((d) => {
      if (!d.notANumber) return true;
      // Not "nothing found": nothing is recorded, so a run with a fixed teacher tries it again.
      notANumber.push(d.imageId);
      skipped++;
      return false;
    });
    const images = usable.map((d) => ({
      imageId: d.imageId,
      boxes: d.boxes.flatMap((b): NewPseudoBox[] => {
        const j = mapping.index[b.classIndex];
        return j === null || j === undefined ? [] : [{ classId: projectClasses[j]!.id, x: b.x, y: b.y, w: b.w, h: b.h, confidence: b.score }];
      }),
    }));
    // Waits for the write lock on a timer: pseudo-labeling beside a CLI import never freezes serve.
    const written = await withWriteLock(db, () => writePseudoBoxes(db, images, { modelId: teacherId, round, author }));
    labeled += written.images;
    boxes += written.boxes;
    emptyImages += written.empty;
    skipped += written.kept;
    ctx.onProgress({ phase: 'pseudo-labeling', step: Math.min(todo.length, start + chunkSize), total: todo.length, metrics: { labeled, boxes } });
  }
  return { labeled, skipped, errors: notANumberErrors(db, teacherId, notANumber, predicted), round, unmappedClasses: mapping.unmapped, boxes, emptyImages };
}
