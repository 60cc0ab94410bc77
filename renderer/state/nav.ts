/** Which view is showing. The labeling view knows its place in the gallery's filtered order. */
import { createStore } from './store';

export type Route = { name: 'gallery' } | { name: 'label'; index: number; imageId: number };

export const route = createStore<Route>({ name: 'gallery' });
/** Index the gallery keeps in view and focused (the last image opened or clicked). */
export const galleryFocus = createStore<number | null>(null);

export function openLabeling(index: number, imageId: number): void {
  galleryFocus.set(index);
  route.set({ name: 'label', index, imageId });
}

export function backToGallery(index?: number): void {
  if (index !== undefined) galleryFocus.set(index);
  route.set({ name: 'gallery' });
}
