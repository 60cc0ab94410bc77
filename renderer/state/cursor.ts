/**
 * Walking an image order one step at a time. For the gallery's filtered order, robust to the list
 * changing under us (labeling an image in an "unlabeled" filter removes it from that list): look
 * at a small live window around the last known index and find the current image in it. For an
 * explicit list of ids (a model's mistakes), the list itself is the order.
 */
import type { ImageDetail, ImageSummary } from '../../src/api/types';
import { api } from '../api';
import type { ImageFilter } from './filter';
import { filterParams } from './filter';

export interface Position {
  index: number;
  item: ImageSummary;
  total: number;
}

export type ImageOrder = { kind: 'filter'; filter: ImageFilter } | { kind: 'ids'; ids: readonly number[] };

const BEFORE = 3;
const WINDOW = 8;

async function windowAt(filter: ImageFilter, index: number) {
  const offset = Math.max(0, index - BEFORE);
  const page = await api.invoke('images.list', { ...filterParams(filter), offset, limit: WINDOW });
  return { offset, items: page.items, total: page.total };
}

async function summaryAt(ids: readonly number[], index: number): Promise<Position | null> {
  const id = ids[index];
  if (id === undefined) return null;
  const d = await api.invoke('images.get', { id });
  const item: ImageSummary = { id: d.id, fileName: d.fileName, originalPath: d.originalPath, width: d.width, height: d.height, split: d.split, classId: d.classId };
  return { index, item, total: ids.length };
}

/** The image id at `index` of the order, if it is known without asking (explicit lists). */
/** The image's class and split as stored now. */
export function imageDetail(id: number): Promise<ImageDetail> {
  return api.invoke('images.get', { id });
}

/** The id of the image at `offset` of the filtered order (undefined past its end). */
export async function idAtOffset(filter: ImageFilter, offset: number): Promise<number | undefined> {
  return (await api.invoke('images.list', { ...filterParams(filter), offset, limit: 1 })).items[0]?.id;
}

export function idAt(order: ImageOrder, index: number): number | undefined {
  return order.kind === 'ids' ? order.ids[index] : undefined;
}

/** Where `imageId` is now, near `index`; falls back to whatever sits at `index`. */
export async function locate(order: ImageOrder, index: number, imageId: number): Promise<Position | null> {
  if (order.kind === 'ids') {
    const at = order.ids[index] === imageId ? index : order.ids.indexOf(imageId);
    return summaryAt(order.ids, at >= 0 ? at : Math.min(index, order.ids.length - 1));
  }
  const filter = order.filter;
  const w = await windowAt(filter, index);
  const at = w.items.findIndex((it) => it.id === imageId);
  if (at >= 0) return { index: w.offset + at, item: w.items[at]!, total: w.total };
  const fallback = Math.min(index, w.total - 1);
  if (fallback < 0) return null;
  const local = w.items[fallback - w.offset];
  if (local) return { index: fallback, item: local, total: w.total };
  const page = await api.invoke('images.list', { ...filterParams(filter), offset: fallback, limit: 1 });
  const item = page.items[0];
  return item ? { index: fallback, item, total: page.total } : null;
}

/** The neighbour of `imageId` in direction `dir` (+1 next, -1 previous), or null at either end. */
export async function step(order: ImageOrder, index: number, imageId: number, dir: 1 | -1): Promise<Position | null> {
  if (order.kind === 'ids') {
    const target = index + dir;
    return target < 0 || target >= order.ids.length ? null : summaryAt(order.ids, target);
  }
  const filter = order.filter;
  const w = await windowAt(filter, index);
  const at = w.items.findIndex((it) => it.id === imageId);
  // If the current image left the filtered list, its successor slid into its place.
  const target = at >= 0 ? w.offset + at + dir : dir === 1 ? index : index - 1;
  if (target < 0 || target >= w.total) return null;
  const local = w.items[target - w.offset];
  if (local) return { index: target, item: local, total: w.total };
  const page = await api.invoke('images.list', { ...filterParams(filter), offset: target, limit: 1 });
  const item = page.items[0];
  return item ? { index: target, item, total: page.total } : null;
}
