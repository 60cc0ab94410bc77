/**
 * Reviewing pseudo-labels: the queue as the Review view walks it (keyset pages of `review.queue`,
 * most uncertain first), the counters, the likely label errors and the rounds. Decisions run one
 * after another, each on the image shown when it starts, so fast typing never decides the same
 * image twice; the queue drops a decided item locally instead of refetching.
 */
import type { AnnotationStatus, Disagreement, ReviewCounts, ReviewImagesPage, ReviewItem, RoundInfo } from '../../src/api/types';
import type { MethodInput } from '../../src/api/methods';
import { api, ignore, mediaUrl } from '../api';
import { preloadImage } from '../canvas/useHtmlImage';
import { classes } from './project';
import { showToast } from './toasts';
import { createStore } from './store';

export type ReviewOrder = 'confidence' | 'entropy' | 'margin' | 'class';

export const ORDERS: { value: ReviewOrder; label: string }[] = [
  { value: 'confidence', label: 'Lowest confidence' },
  { value: 'entropy', label: 'Highest entropy' },
  { value: 'margin', label: 'Smallest margin' },
  { value: 'class', label: 'By class' },
];

export const STATUSES: AnnotationStatus[] = ['pending', 'accepted', 'rejected', 'corrected'];

export interface QueueFilter {
  order: ReviewOrder;
  status: AnnotationStatus;
  classId: number | null;
  round: number | null;
  /** As typed: empty is no bound. */
  minConfidence: string;
  maxConfidence: string;
}

export interface QueueState {
  items: ReviewItem[];
  /** The item shown; equal to items.length past the end. */
  index: number;
  next: { value: number; imageId: number } | null;
  loading: boolean;
  /** False until the first page for the current filter arrived. */
  loaded: boolean;
  /** Decisions made in this session (shown beside the speed). */
  decided: number;
}

const PAGE = 100;
/** Load the next page when fewer than this many items are left ahead. */
const AHEAD = 10;

export const queueFilter = createStore<QueueFilter>({ order: 'confidence', status: 'pending', classId: null, round: null, minConfidence: '', maxConfidence: '' });
export const queue = createStore<QueueState>({ items: [], index: 0, next: null, loading: false, loaded: false, decided: 0 });
export const counts = createStore<ReviewCounts | null>(null);
export const disagreements = createStore<Disagreement[] | null>(null);
export const rounds = createStore<RoundInfo[] | null>(null);
/** Why rounds.list failed, shown in place of the table. */
export const roundsError = createStore<string | null>(null);
/** The teacher picked for pseudo-labeling (a model id), shared by the Review and Rounds views. */
export const reviewTeacher = createStore<string | null>(null);
export const pseudoTemperature = createStore('2');

let generation = 0;
let chain: Promise<void> = Promise.resolve();
/** Annotations decided one by one (null for a bulk step), newest last: undo shows the image again. */
const undoStack: (number | null)[] = [];

function run(fn: () => Promise<void>): Promise<void> {
  chain = chain.then(fn).catch(() => {});
  return chain;
}

function bound(s: string): number | undefined {
  if (s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : undefined;
}

function queueParams(f: QueueFilter, cursor: QueueState['next']): MethodInput<'review.queue'> {
  const p: MethodInput<'review.queue'> = { order: f.order, status: f.status, cursor, limit: PAGE };
  if (f.classId !== null) p.classId = f.classId;
  if (f.round !== null) p.round = f.round;
  const lo = bound(f.minConfidence);
  const hi = bound(f.maxConfidence);
  if (lo !== undefined) p.minConfidence = lo;
  if (hi !== undefined) p.maxConfidence = hi;
  return p;
}

/** Loads the queue from its start; shows `focus` (an annotation id) when it is in the first page. */
export async function reloadQueue(focus?: number | null): Promise<void> {
  const g = ++generation;
  queue.set((q) => ({ ...q, loading: true }));
  try {
    const page = await api.invoke('review.queue', queueParams(queueFilter.get(), null));
    if (g !== generation) return;
    const at = focus != null ? page.items.findIndex((i) => i.annotationId === focus) : -1;
    queue.set((q) => ({ ...q, items: page.items, next: page.next, index: Math.max(0, at), loading: false, loaded: true }));
    warm();
  } catch (err) {
    if (g === generation) queue.set((q) => ({ ...q, loading: false, loaded: true }));
    throw err;
  }
}

async function loadMore(): Promise<void> {
  const q = queue.get();
  if (!q.next || q.loading) return;
  const g = generation;
  queue.set((s) => ({ ...s, loading: true }));
  try {
    const page = await api.invoke('review.queue', queueParams(queueFilter.get(), q.next));
    if (g !== generation) return;
    queue.set((s) => {
      const seen = new Set(s.items.map((i) => i.annotationId));
      return { ...s, items: [...s.items, ...page.items.filter((i) => !seen.has(i.annotationId))], next: page.next, loading: false };
    });
  } catch (err) {
    if (g === generation) queue.set((s) => ({ ...s, loading: false }));
    throw err;
  }
}

/** Keeps pages coming and the next image in the browser cache. */
function warm(): void {
  const q = queue.get();
  if (q.next && q.items.length - q.index < AHEAD) loadMore().catch(ignore);
  const next = q.items[q.index + 1];
  if (next) preloadImage(mediaUrl(next.imageId, 'full'));
}

export function setQueueFilter(patch: Partial<QueueFilter>): void {
  queueFilter.set((f) => ({ ...f, ...patch }));
}

export function currentItem(q: QueueState = queue.get()): ReviewItem | undefined {
  return q.items[q.index];
}

const STATUS_OF = { accept: 'accepted', reject: 'rejected', relabel: 'corrected' } as const;

/** Accept, reject or relabel the item shown, then show the next one. */
export function decide(action: 'accept' | 'reject' | 'relabel', classId?: number): Promise<void> {
  return run(async () => {
    const item = currentItem();
    if (!item) return;
    await api.invoke('review.apply', { annotationIds: [item.annotationId], action, ...(classId !== undefined ? { classId } : {}) });
    undoStack.push(item.annotationId);
    const status = STATUS_OF[action];
    queue.set((q) => {
      const i = q.items.findIndex((x) => x.annotationId === item.annotationId);
      if (i < 0) return { ...q, decided: q.decided + 1 };
      // Out of the filter now (e.g. no longer pending): it leaves the queue, the next one moves up.
      if (status !== queueFilter.get().status) return { ...q, items: q.items.filter((_, j) => j !== i), index: i < q.index ? q.index - 1 : q.index, decided: q.decided + 1 };
      const items = q.items.slice();
      items[i] = { ...item, status, ...(classId !== undefined ? { classId } : {}) };
      return { ...q, items, index: Math.min(items.length, q.index + 1), decided: q.decided + 1 };
    });
    warm();
    refreshCounts().catch(ignore);
  });
}

/** Relabel with the class at 1-based position `n` of the project's classes. */
export function relabelNumber(n: number): Promise<void> {
  const c = classes.get()[n - 1];
  if (!c) {
    showToast('info', `There is no class ${n}.`);
    return Promise.resolve();
  }
  return decide('relabel', c.id);
}

/** Leaves the item as it is and shows the next (it comes back when the queue reloads). */
export function skip(): Promise<void> {
  return run(async () => {
    queue.set((q) => ({ ...q, index: Math.min(q.items.length, q.index + 1) }));
    warm();
  });
}

/** Shows the item at `index` of the loaded queue. */
export function jumpTo(index: number): void {
  void run(async () => {
    queue.set((q) => ({ ...q, index: Math.max(0, Math.min(q.items.length, index)) }));
    warm();
  });
}

/** Undoes the last review step (one decision or one bulk step) and shows its image again. */
export function undo(): Promise<void> {
  return run(async () => {
    const { undone } = await api.invoke('review.undo', {});
    if (undone === 0) {
      showToast('info', 'Nothing to undo.');
      return;
    }
    const focus = undoStack.pop();
    if (focus === null) showToast('info', `Undid a bulk step: ${undone.toLocaleString()} pseudo-labels are ${queueFilter.get().status === 'pending' ? 'back in the queue' : 'pending again'}.`);
    queue.set((q) => ({ ...q, decided: Math.max(0, q.decided - 1) }));
    await reloadQueue(focus);
    refreshCounts().catch(ignore);
  });
}

export interface BulkRule {
  mode: 'accept-above' | 'reject-below';
  threshold: number;
  perClass: Record<string, number>;
  round: number | null;
}

function bulkInput(rule: BulkRule, dryRun: boolean): MethodInput<'review.bulk'> {
  const input: MethodInput<'review.bulk'> = { mode: rule.mode, threshold: rule.threshold, dryRun };
  if (Object.keys(rule.perClass).length) input.perClass = rule.perClass;
  if (rule.round !== null) input.round = rule.round;
  return input;
}

export async function previewBulk(rule: BulkRule): Promise<number> {
  return (await api.invoke('review.bulk', bulkInput(rule, true))).changed;
}

export function applyBulk(rule: BulkRule): Promise<number> {
  let changed = 0;
  return run(async () => {
    changed = (await api.invoke('review.bulk', bulkInput(rule, false))).changed;
    if (changed > 0) undoStack.push(null);
    await reloadQueue();
    refreshCounts().catch(ignore);
  }).then(() => changed);
}

/** Accepts or rejects these annotations (the regions of the image on the canvas, not the queue's item). */
export async function applyReview(annotationIds: number[], action: 'accept' | 'reject'): Promise<void> {
  await api.invoke('review.apply', { annotationIds, action });
}

/** A page of the images holding teacher boxes of a status (the box review list). */
export function reviewImages(input: MethodInput<'review.images'>): Promise<ReviewImagesPage> {
  return api.invoke('review.images', input);
}

export async function refreshCounts(): Promise<void> {
  counts.set(await api.invoke('review.counts', {}));
}

export async function refreshDisagreements(minConfidence: number): Promise<void> {
  disagreements.set(await api.invoke('review.disagreements', { minConfidence, limit: 200 }));
}

export async function refreshRounds(): Promise<void> {
  try {
    rounds.set(await api.invoke('rounds.list', {}));
    roundsError.set(null);
  } catch (err) {
    roundsError.set((err as Error).message);
    throw err;
  }
}

/** Starts pseudo-labeling `split` with the picked teacher. */
export async function startPseudoLabel(split: 'unlabeled' | 'train' | 'val' | 'test'): Promise<string> {
  const teacher = reviewTeacher.get();
  if (!teacher) throw new Error('no teacher');
  const t = Number(pseudoTemperature.get());
  const { jobId } = await api.invoke('jobs.start', { kind: 'pseudo-label', input: { teacher, split, ...(pseudoTemperature.get().trim() && Number.isFinite(t) ? { temperature: t } : {}) } });
  return jobId;
}

/** A different project: nothing of the last one's queue stays. */
export function resetReview(): void {
  generation++;
  undoStack.length = 0;
  queue.set({ items: [], index: 0, next: null, loading: false, loaded: false, decided: 0 });
  queueFilter.set((f) => ({ ...f, classId: null, round: null }));
  counts.set(null);
  disagreements.set(null);
  rounds.set(null);
  roundsError.set(null);
  reviewTeacher.set(null);
}

let syncing = false;
/** Pseudo-labels arrive from jobs: reload what the Review view shows when one ends. */
export function startReviewSync(): void {
  if (syncing) return;
  syncing = true;
  api.on('jobDone', (d) => {
    if (d.kind !== 'pseudo-label' && d.kind !== 'self-train' && d.kind !== 'train') return;
    if (d.kind !== 'train') reloadQueue().catch(ignore);
    refreshCounts().catch(ignore);
    if (rounds.get() !== null) refreshRounds().catch(ignore);
  });
}
