/**
 * A page cache over `images.list` for one filter: the gallery asks for the rows it shows, pages
 * of PAGE_SIZE are fetched once and kept. On a data change pages turn stale but stay on screen
 * until their refetch lands, so the grid never flashes empty.
 */
import type { ImageSummary } from '../../src/api/types';
import { api } from '../api';
import type { ImageFilter } from './filter';
import { filterParams } from './filter';
import { createStore } from './store';

export const PAGE_SIZE = 200;

interface Page {
  items: ImageSummary[];
  generation: number;
}

export class ImagePages {
  readonly filter: ImageFilter;
  /** Number of images matching the filter; null until the first page answers. */
  total: number | null = null;
  /** Moves on every change, for React to re-render. */
  readonly version = createStore(0);
  private pages = new Map<number, Page>();
  private inflight = new Map<number, Promise<void>>();
  private generation = 0;
  private attached = 0;

  constructor(filter: ImageFilter) {
    this.filter = filter;
  }

  get(index: number): ImageSummary | undefined {
    const page = this.pages.get(Math.floor(index / PAGE_SIZE));
    return page?.items[index % PAGE_SIZE];
  }

  /** Makes sure the pages covering [start, end] are loaded or on their way. */
  ensureRange(start: number, end: number): void {
    const last = this.total === null ? Math.floor(end / PAGE_SIZE) : Math.floor(Math.max(0, Math.min(end, this.total - 1)) / PAGE_SIZE);
    for (let p = Math.floor(Math.max(0, start) / PAGE_SIZE); p <= last; p++) {
      void this.loadPage(p).catch(() => {});
    }
  }

  /** The item at `index`, fetching its page if needed. */
  async load(index: number): Promise<ImageSummary | undefined> {
    await this.loadPage(Math.floor(index / PAGE_SIZE));
    return this.get(index);
  }

  /** Ids of the items in [a, b] (inclusive, any order), fetching missing pages. */
  async idsInRange(a: number, b: number): Promise<number[]> {
    const lo = Math.max(0, Math.min(a, b));
    const hi = Math.max(a, b);
    const jobs: Promise<void>[] = [];
    for (let p = Math.floor(lo / PAGE_SIZE); p <= Math.floor(hi / PAGE_SIZE); p++) jobs.push(this.loadPage(p));
    await Promise.all(jobs);
    const ids: number[] = [];
    for (let i = lo; i <= hi; i++) {
      const it = this.get(i);
      if (it) ids.push(it.id);
    }
    return ids;
  }

  /** Marks everything stale; visible pages refetch on the next ensureRange. */
  invalidate(): void {
    this.generation++;
    this.bump();
  }

  /** While no view is attached, answers are dropped. Returns the detach function (an effect cleanup). */
  attach(): () => void {
    this.attached++;
    return () => {
      this.attached--;
    };
  }

  private loadPage(p: number): Promise<void> {
    const page = this.pages.get(p);
    if (page && page.generation === this.generation) return Promise.resolve();
    const pending = this.inflight.get(p);
    if (pending) return pending;
    const generation = this.generation;
    const job = api
      .invoke('images.list', { ...filterParams(this.filter), offset: p * PAGE_SIZE, limit: PAGE_SIZE })
      .then((res) => {
        if (this.attached === 0) return;
        this.pages.set(p, { items: res.items, generation });
        if (generation === this.generation || this.total === null) this.total = res.total;
        this.bump();
      })
      .finally(() => {
        this.inflight.delete(p);
        // A change landed while this page was on its way: fetch it again.
        if (this.attached > 0 && generation !== this.generation) this.bump();
      });
    this.inflight.set(p, job);
    return job;
  }

  private bump(): void {
    this.version.set((v) => v + 1);
  }
}
