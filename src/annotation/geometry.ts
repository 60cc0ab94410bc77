/** Boxes as the project stores them: normalized [0, 1], top-left corner plus size. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Intersection over union of two boxes (0 when they do not touch, 1 when equal). */
export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/** A box given by its center and size (normalized), clipped to the image; null when nothing is left. */
export function boxFromCenter(cx: number, cy: number, w: number, h: number): Box | null {
  const x0 = Math.max(0, cx - w / 2);
  const y0 = Math.max(0, cy - h / 2);
  const x1 = Math.min(1, cx + w / 2);
  const y1 = Math.min(1, cy + h / 2);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
}

export interface ScoredBox extends Box {
  classIndex: number;
  score: number;
}

/**
 * Class-wise non-maximum suppression: highest score first, a box is dropped when it overlaps a
 * kept box of the same class by more than `iouThreshold`. Boxes of different classes never
 * suppress each other. Returns the kept boxes, best first.
 */
export function nonMaxSuppression<T extends ScoredBox>(boxes: T[], iouThreshold: number, maxBoxes = 300): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const box of sorted) {
    if (kept.length >= maxBoxes) break;
    if (kept.some((k) => k.classIndex === box.classIndex && iou(k, box) > iouThreshold)) continue;
    kept.push(box);
  }
  return kept;
}
