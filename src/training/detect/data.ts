/**
 * The box student's data, read from the project: every image with boxes to learn from, in its
 * split, with its boxes in the project's class order.
 *
 * Boxes learned: a person's boxes (human, accepted), pseudo boxes a person accepted or corrected
 * (objectness target 1), and, when `pendingAbove` is given, a teacher's pending boxes scoring at
 * least that much (objectness target = the teacher's score: box distillation). Rejected and
 * deleted boxes never are. Images in the unlabeled split that have such boxes (a teacher's,
 * reviewed) are trained on; validation and test use the val and test splits.
 */
import type Database from 'better-sqlite3';
import type { Split } from '../../api/types';
import { listClasses, trainingBoxRows } from '../../store';
import type { TargetBox } from './targets';

export interface DetectionImage {
  id: number;
  mediaPath: string;
  sha256: string;
  split: Split;
  boxes: TargetBox[];
}

export interface DetectionData {
  classes: string[];
  images: DetectionImage[];
}

export function detectionData(db: Database.Database, pendingAbove: number | null): DetectionData {
  const classes = listClasses(db);
  const indexOf = new Map(classes.map((c, i) => [c.id, i]));
  const rows = trainingBoxRows(db, pendingAbove);
  const images = new Map<number, DetectionImage>();
  for (const r of rows) {
    const classIndex = indexOf.get(r.class_id);
    if (classIndex === undefined) continue;
    const g = JSON.parse(r.geometry) as { x: number; y: number; w: number; h: number };
    let image = images.get(r.image_id);
    if (!image) images.set(r.image_id, (image = { id: r.image_id, mediaPath: r.media_path, sha256: r.sha256, split: r.split, boxes: [] }));
    image.boxes.push({ x: g.x, y: g.y, w: g.w, h: g.h, classIndex, objectness: r.status === 'pending' ? (r.confidence ?? 0) : 1 });
  }
  return { classes: classes.map((c) => c.name), images: [...images.values()] };
}
