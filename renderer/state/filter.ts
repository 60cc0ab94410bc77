/** The gallery filter; the labeling view walks images in the same order. */
import type { Split } from '../../src/api/types';
import { createStore } from './store';

export interface ImageFilter {
  classId?: number;
  split?: Split;
  labeled?: boolean;
}

export const filter = createStore<ImageFilter>({});

export function filterKey(f: ImageFilter): string {
  return JSON.stringify([f.classId ?? null, f.split ?? null, f.labeled ?? null]);
}

/** The filter as `images.list` parameters (undefined fields left out: the schema is strict). */
export function filterParams(f: ImageFilter): ImageFilter {
  const p: ImageFilter = {};
  if (f.classId !== undefined) p.classId = f.classId;
  if (f.split !== undefined) p.split = f.split;
  if (f.labeled !== undefined) p.labeled = f.labeled;
  return p;
}
