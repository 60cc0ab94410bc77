/**
 * The regions of the image on the canvas, as the UI shows them. Every edit is applied here at
 * once (drawing never waits on the database) and sent to the core in order, one call per edit,
 * so it is stored within milliseconds and nothing is kept only in the page. When the last call in
 * flight answers, the core's copy replaces the local one: the core is the truth, the page a cache.
 * A new region gets a negative id until the core names it; later edits of it wait for that name.
 */
import type { BoxGeometry, PolygonGeometry, Region, RegionsState } from '../../src/api/types';
import { api, ignore } from '../api';
import { createStore } from './store';

export interface RegionsView {
  imageId: number | null;
  regions: Region[];
  canUndo: boolean;
  canRedo: boolean;
  /** Edits sent and not answered yet. */
  saving: number;
}

/** A shape of the kind its geometry is (as the core's schema checks it). */
export type ShapeGeometry = { kind: 'box'; geometry: BoxGeometry } | { kind: 'polygon'; geometry: PolygonGeometry };
export type NewRegion = { classId: number } & ShapeGeometry;

export interface RegionChange {
  id: number;
  classId?: number;
  geometry?: BoxGeometry | PolygonGeometry;
}

export const regions = createStore<RegionsView>({ imageId: null, regions: [], canUndo: false, canRedo: false, saving: 0 });
export const selectedRegions = createStore<ReadonlySet<number>>(new Set());
/** Locked regions cannot be moved, resized or deleted on the canvas (kept for this session). */
export const lockedRegions = createStore<ReadonlySet<number>>(new Set());
export const hiddenRegions = createStore<ReadonlySet<number>>(new Set());
export const allHidden = createStore(false);

let queue: Promise<void> = Promise.resolve();
let inFlight = 0;
let nextTempId = -1;
/** Temporary ids of new regions to the ids the core gave them. */
const named = new Map<number, number>();

const realId = (id: number) => (id < 0 ? (named.get(id) ?? id) : id);

function remapSet(set: ReadonlySet<number>, live: Set<number>): ReadonlySet<number> {
  const out = new Set<number>();
  for (const id of set) {
    const r = realId(id);
    if (live.has(r)) out.add(r);
  }
  return out;
}

/** The core answered: adopt its regions once nothing else is on the way. */
function adopt(s: RegionsState): void {
  const view = regions.get();
  if (view.imageId !== s.imageId) return;
  if (inFlight > 0) {
    regions.set({ ...view, canUndo: s.canUndo, canRedo: s.canRedo, saving: inFlight });
    return;
  }
  const live = new Set(s.regions.map((r) => r.id));
  selectedRegions.set(remapSet(selectedRegions.get(), live));
  lockedRegions.set(remapSet(lockedRegions.get(), live));
  hiddenRegions.set(remapSet(hiddenRegions.get(), live));
  regions.set({ imageId: s.imageId, regions: s.regions, canUndo: s.canUndo, canRedo: s.canRedo, saving: 0 });
}

/** Run calls to the core one after another; a failure (already toasted) reloads the image's regions. */
function send(imageId: number, call: () => Promise<RegionsState>): Promise<void> {
  inFlight++;
  regions.set({ ...regions.get(), saving: inFlight });
  const run = queue.then(async () => {
    try {
      const s = await call();
      inFlight--;
      adopt(s);
    } catch {
      inFlight--;
      const s = await api.invoke('shapes.list', { imageId }).catch(() => null);
      if (s) adopt(s);
    }
  });
  queue = run.catch(ignore);
  return run;
}

/** Show an image's regions (selection, locks and hiding start fresh). */
export function openRegions(imageId: number): Promise<void> {
  regions.set({ imageId, regions: [], canUndo: false, canRedo: false, saving: inFlight });
  selectedRegions.set(new Set());
  lockedRegions.set(new Set());
  hiddenRegions.set(new Set());
  return send(imageId, () => api.invoke('shapes.list', { imageId }));
}

/** Reload from the core (someone else changed labels). */
export function reloadRegions(): void {
  const id = regions.get().imageId;
  if (id !== null && inFlight === 0) void send(id, () => api.invoke('shapes.list', { imageId: id }));
}

/** Wait until every edit made so far is stored. */
/** The regions of another image as the core has them (the canvas's own image is in `regions`). */
export async function regionsOf(imageId: number): Promise<Region[]> {
  return (await api.invoke('shapes.list', { imageId })).regions;
}

export function regionsSaved(): Promise<void> {
  return queue;
}

function patchLocal(fn: (list: Region[]) => Region[]): void {
  const view = regions.get();
  regions.set({ ...view, regions: fn(view.regions), canUndo: true, canRedo: false });
}

export function createRegions(imageId: number, shapes: NewRegion[]): number[] {
  if (!shapes.length) return [];
  const temp = shapes.map(() => nextTempId--);
  patchLocal((list) => [
    ...list,
    ...shapes.map((s, i) => ({ id: temp[i]!, imageId, classId: s.classId, kind: s.kind, geometry: s.geometry, source: 'human' as const, status: 'accepted' as const, confidence: null, modelId: null, round: null })),
  ]);
  void send(imageId, async () => {
    const r = await api.invoke('shapes.create', { imageId, shapes });
    r.created.forEach((id, i) => named.set(temp[i]!, id));
    return r;
  });
  return temp;
}

export function updateRegions(imageId: number, changes: RegionChange[]): void {
  if (!changes.length) return;
  const byId = new Map(changes.map((c) => [c.id, c]));
  patchLocal((list) =>
    list.map((r) => {
      const c = byId.get(r.id);
      if (!c) return r;
      return { ...r, classId: c.classId ?? r.classId, geometry: c.geometry ?? r.geometry, status: r.source === 'pseudo' ? 'corrected' : r.status };
    }),
  );
  void send(imageId, () => api.invoke('shapes.update', { imageId, changes: changes.map((c) => ({ ...c, id: realId(c.id) })) }));
}

export function deleteRegions(imageId: number, ids: number[]): void {
  if (!ids.length) return;
  const gone = new Set(ids);
  patchLocal((list) => list.filter((r) => !gone.has(r.id)));
  selectedRegions.set(new Set([...selectedRegions.get()].filter((id) => !gone.has(id))));
  void send(imageId, () => api.invoke('shapes.delete', { imageId, ids: ids.map(realId) }));
}

export function undoRegions(imageId: number): Promise<void> {
  return send(imageId, () => api.invoke('shapes.undo', { imageId }));
}

export function redoRegions(imageId: number): Promise<void> {
  return send(imageId, () => api.invoke('shapes.redo', { imageId }));
}

export function toggleInSet(store: typeof lockedRegions, ids: Iterable<number>, on?: boolean): void {
  const next = new Set(store.get());
  for (const id of ids) {
    const want = on ?? !next.has(id);
    if (want) next.add(id);
    else next.delete(id);
  }
  store.set(next);
}
