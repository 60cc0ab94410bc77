/** Pure viewport math for the image canvas: screen = image * scale + (x, y). */
export interface Viewport {
  scale: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_SCALE = 0.02;
export const MAX_SCALE = 40;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The whole image centered in the view, never enlarged past 100% for small images unless `upscale`. */
export function fitViewport(image: Size, view: Size, padding = 24, upscale = true): Viewport {
  if (image.width <= 0 || image.height <= 0 || view.width <= 0 || view.height <= 0) return { scale: 1, x: 0, y: 0 };
  const availW = Math.max(1, view.width - 2 * padding);
  const availH = Math.max(1, view.height - 2 * padding);
  let scale = Math.min(availW / image.width, availH / image.height);
  if (!upscale) scale = Math.min(scale, 1);
  scale = clamp(scale, MIN_SCALE, MAX_SCALE);
  return {
    scale,
    x: (view.width - image.width * scale) / 2,
    y: (view.height - image.height * scale) / 2,
  };
}

/** Zoom by `factor` keeping the image point under `pointer` (screen coordinates) fixed. */
export function zoomAround(vp: Viewport, pointer: { x: number; y: number }, factor: number): Viewport {
  const scale = clamp(vp.scale * factor, MIN_SCALE, MAX_SCALE);
  const k = scale / vp.scale;
  return { scale, x: pointer.x - (pointer.x - vp.x) * k, y: pointer.y - (pointer.y - vp.y) * k };
}

export function panBy(vp: Viewport, dx: number, dy: number): Viewport {
  return { scale: vp.scale, x: vp.x + dx, y: vp.y + dy };
}

/** Wheel delta to a zoom factor: one notch of a mouse wheel is ~1.2x, trackpads are smooth. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 33 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-clamp(px, -200, 200) * 0.0015);
}
