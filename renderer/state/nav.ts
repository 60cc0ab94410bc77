/**
 * Which view is showing. The labeling view knows its place in the order it walks: the gallery's
 * filtered order, or an explicit list of images (e.g. a model's mistakes) with a way back.
 */
import { createStore } from './store';

export type Tab = 'gallery' | 'train' | 'review' | 'models';

/** A fixed list of images to walk in the labeling view, and where Back returns to. */
export interface ReviewList {
  ids: number[];
  /** What the list is, shown in the labeling view's toolbar. */
  title: string;
  back: Route;
  /** The canvas tool to open with (reviewing boxes starts with the select tool). */
  tool?: 'pan' | 'select' | 'box' | 'polygon';
}

export type Route =
  | { name: Tab }
  | { name: 'label'; index: number; imageId: number; list?: ReviewList };

export const route = createStore<Route>({ name: 'gallery' });
/** Index the gallery keeps in view and focused (the last image opened or clicked). */
export const galleryFocus = createStore<number | null>(null);

/** The top-level tab a route belongs to. */
export function tabOf(r: Route): Tab {
  if (r.name === 'label') return r.list ? tabOf(r.list.back) : 'gallery';
  return r.name;
}

export function openLabeling(index: number, imageId: number): void {
  galleryFocus.set(index);
  route.set({ name: 'label', index, imageId });
}

/** Opens `list.ids[index]` in the labeling view; next/previous walk the list. */
export function openReview(list: ReviewList, index: number): void {
  const imageId = list.ids[index];
  if (imageId === undefined) return;
  route.set({ name: 'label', index, imageId, list });
}

export function backToGallery(index?: number): void {
  if (index !== undefined) galleryFocus.set(index);
  route.set({ name: 'gallery' });
}

export function goTab(tab: Tab): void {
  route.set({ name: tab });
}
