/**
 * Drawing every region of an image in one pass on a 2D context already transformed to image
 * coordinates. Thousands of regions stay smooth because nothing here is a scene-graph node: shapes
 * are grouped by style into one path each (one stroke per class color instead of one per box),
 * and names are only written where they fit on screen.
 */
import type { Point, Preview, Rect, ToolShape } from '../tools/types';

export interface DrawItem {
  id: number;
  shape: ToolShape;
  color: string;
  label: string;
  /** A teacher's region nobody has reviewed yet: dashed. */
  pending: boolean;
  locked: boolean;
}

export interface DrawOptions {
  /** Screen pixels per image pixel: line widths and text stay the same size on screen. */
  scale: number;
  selected: ReadonlySet<number>;
  preview: Preview;
  /** Color of a shape being drawn. */
  draftColor: string;
}

const MAX_LABELS = 400;
const LABEL_MIN_SCREEN_WIDTH = 36;

function tracePath(ctx: CanvasRenderingContext2D, shape: ToolShape): void {
  if (shape.kind === 'box') {
    ctx.rect(shape.box.x, shape.box.y, shape.box.w, shape.box.h);
    return;
  }
  const [first, ...rest] = shape.points;
  if (!first) return;
  ctx.moveTo(first.x, first.y);
  for (const p of rest) ctx.lineTo(p.x, p.y);
  ctx.closePath();
}

function bounds(shape: ToolShape): Rect {
  if (shape.kind === 'box') return shape.box;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of shape.points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

function handle(ctx: CanvasRenderingContext2D, p: Point, size: number): void {
  ctx.rect(p.x - size / 2, p.y - size / 2, size, size);
}

export function drawRegions(ctx: CanvasRenderingContext2D, items: readonly DrawItem[], opts: DrawOptions): void {
  const px = 1 / opts.scale; // one screen pixel, in image pixels
  const { preview, selected } = opts;
  const shapeOf = (it: DrawItem) => preview.overrides?.get(it.id) ?? it.shape;

  // 1. Outlines, one path per (color, dashed) group.
  const groups = new Map<string, DrawItem[]>();
  for (const it of items) {
    const key = `${it.color}|${it.pending ? 1 : 0}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(it);
  }
  ctx.lineJoin = 'round';
  for (const [key, group] of groups) {
    const [color, dashed] = key.split('|') as [string, string];
    ctx.beginPath();
    for (const it of group) tracePath(ctx, shapeOf(it));
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5 * px;
    ctx.setLineDash(dashed === '1' ? [6 * px, 4 * px] : []);
    ctx.stroke();
  }
  ctx.setLineDash([]);

  // 2. Selected and hovered regions: a light fill and a thicker outline on top.
  for (const it of items) {
    const isSelected = selected.has(it.id);
    if (!isSelected && preview.hover !== it.id) continue;
    const shape = shapeOf(it);
    ctx.beginPath();
    tracePath(ctx, shape);
    ctx.globalAlpha = isSelected ? 0.22 : 0.12;
    ctx.fillStyle = it.color;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.lineWidth = (isSelected ? 3 : 2.5) * px;
    ctx.strokeStyle = it.color;
    ctx.setLineDash(it.locked ? [2 * px, 3 * px] : []);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  // 3. Names (class, and confidence for a teacher's region) where there is room.
  const fontSize = 12;
  ctx.font = `${fontSize * px}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  let written = 0;
  for (const it of items) {
    if (written >= MAX_LABELS) break;
    const b = bounds(shapeOf(it));
    if (b.w * opts.scale < LABEL_MIN_SCREEN_WIDTH && !selected.has(it.id)) continue;
    const w = ctx.measureText(it.label).width + 6 * px;
    const y = b.y >= (fontSize + 4) * px ? b.y : b.y + (fontSize + 4) * px;
    ctx.fillStyle = it.color;
    ctx.fillRect(b.x, y - (fontSize + 4) * px, w, (fontSize + 4) * px);
    ctx.fillStyle = '#0e0f11';
    ctx.fillText(it.label, b.x + 3 * px, y - 2 * px);
    written++;
  }

  // 4. Handles of the single selected region.
  if (preview.handles) {
    const size = 7 * px;
    ctx.beginPath();
    for (const p of preview.handles.points) handle(ctx, p, size);
    ctx.fillStyle = '#ffffff';
    ctx.fill();
    ctx.lineWidth = 1 * px;
    ctx.strokeStyle = '#0e0f11';
    ctx.stroke();
    if (preview.handles.mids?.length) {
      ctx.beginPath();
      for (const p of preview.handles.mids) handle(ctx, p, size * 0.7);
      ctx.globalAlpha = 0.6;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.stroke();
    }
  }

  // 5. What is being drawn, and the marquee.
  const draft = preview.draft;
  if (draft) {
    ctx.beginPath();
    if (draft.kind === 'box') ctx.rect(draft.box.x, draft.box.y, draft.box.w, draft.box.h);
    else {
      const pts = draft.cursor && !draft.closed ? [...draft.points, draft.cursor] : draft.points;
      pts.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
      if (draft.closed) ctx.closePath();
    }
    ctx.strokeStyle = opts.draftColor;
    ctx.lineWidth = 2 * px;
    ctx.stroke();
    if (draft.kind === 'polygon') {
      ctx.beginPath();
      for (const p of draft.points) handle(ctx, p, 6 * px);
      ctx.fillStyle = opts.draftColor;
      ctx.fill();
    }
  }
  if (preview.marquee) {
    const m = preview.marquee;
    ctx.beginPath();
    ctx.rect(m.x, m.y, m.w, m.h);
    ctx.globalAlpha = 0.1;
    ctx.fillStyle = '#6ea8fe';
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.strokeStyle = '#6ea8fe';
    ctx.lineWidth = 1 * px;
    ctx.stroke();
    ctx.setLineDash([]);
  }
}
