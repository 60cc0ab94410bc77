/**
 * The gallery: a virtualized grid over the filtered image list. Only visible rows are in the DOM;
 * `total` sizes the scroll area and pages of `images.list` are fetched as rows come into view.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { ImageSummary } from '../../src/api/types';
import { filter, filterKey } from '../state/filter';
import { ImagePages } from '../state/imagePages';
import { useShortcutScope } from '../state/keyboard';
import { galleryFocus, openLabeling } from '../state/nav';
import { bumpData, classes, dataVersion, refreshStats, setImagesClass } from '../state/project';
import { clearSelection, selectOnly, selectRange, selection, toggleSelected } from '../state/selection';
import { showToast } from '../state/toasts';
import { useStore } from '../state/store';
import { GalleryCell } from './GalleryCell';
import { GalleryFilters } from './GalleryFilters';

const MIN_CELL = 140;
const GAP = 8;
const PAD = 12;
const OVERSCAN = 2;

export function Gallery() {
  const f = useStore(filter);
  const key = filterKey(f);
  const pages = useMemo(() => new ImagePages(f), [key]); // one cache per distinct filter
  useEffect(() => pages.attach(), [pages]);
  useStore(pages.version);

  // Data changed somewhere: pages turn stale and refetch (without clearing the screen).
  const dv = useStore(dataVersion);
  const seenDv = useRef(dv);
  useEffect(() => {
    if (seenDv.current !== dv) {
      seenDv.current = dv;
      pages.invalidate();
    }
  }, [dv, pages]);

  // A new filter starts with a clean selection.
  const firstKey = useRef(key);
  useEffect(() => {
    if (firstKey.current !== key) {
      firstKey.current = key;
      clearSelection();
      galleryFocus.set(null);
    }
  }, [key]);

  const sel = useStore(selection);
  const cls = useStore(classes);

  const assign = async (classId: number | null) => {
    const ids = [...selection.get().ids];
    if (ids.length === 0) return;
    try {
      const updated = await setImagesClass(ids, classId);
      const name = classId === null ? null : (classes.get().find((c) => c.id === classId)?.name ?? 'class');
      showToast('success', name ? `Labeled ${updated.toLocaleString()} image${updated === 1 ? '' : 's'} as “${name}”.` : `Cleared ${updated.toLocaleString()} label${updated === 1 ? '' : 's'}.`);
      bumpData();
      refreshStats().catch(() => {});
    } catch {
      // toast
    }
  };

  return (
    <div className="gallery-view">
      <div className="toolbar">
        <GalleryFilters />
        <span className="grow" />
        {sel.ids.size > 0 && (
          <div className="bulk">
            <span>
              <b>{sel.ids.size.toLocaleString()}</b> selected
            </span>
            <select
              data-testid="bulk-assign"
              value=""
              onChange={(e) => {
                const v = e.target.value;
                if (v) void assign(v === 'none' ? null : Number(v));
              }}
            >
              <option value="">Assign class…</option>
              {cls.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
              <option value="none">Clear label</option>
            </select>
            <button className="link" onClick={clearSelection}>
              Deselect
            </button>
          </div>
        )}
        <span className="muted count">{pages.total === null ? '' : `${pages.total.toLocaleString()} image${pages.total === 1 ? '' : 's'}`}</span>
      </div>
      <Grid pages={pages} onAssignNumber={(n) => {
        const c = classes.get()[n - 1];
        if (c) void assign(c.id);
      }} filtered={key !== filterKey({})} />
    </div>
  );
}

interface GridProps {
  pages: ImagePages;
  filtered: boolean;
  onAssignNumber(n: number): void;
}

function Grid({ pages, filtered, onAssignNumber }: GridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ top: 0, width: 0, height: 0 });
  const focus = useStore(galleryFocus);
  const sel = useStore(selection);
  const cls = useStore(classes);
  const version = useStore(pages.version);
  const total = pages.total ?? 0;

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setBox({ top: el.scrollTop, width: el.clientWidth, height: el.clientHeight });
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  const frame = useRef(0);
  const onScroll = () => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const el = scrollRef.current;
      if (el) setBox((b) => (b.top === el.scrollTop ? b : { ...b, top: el.scrollTop }));
    });
  };
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const inner = Math.max(0, box.width - 2 * PAD);
  const cols = Math.max(1, Math.floor((inner + GAP) / (MIN_CELL + GAP)));
  const size = Math.max(40, Math.floor((inner - GAP * (cols - 1)) / cols));
  const rowH = size + GAP;
  const rows = Math.ceil(total / cols);
  const height = rows > 0 ? 2 * PAD + rows * rowH - GAP : 0;
  const firstRow = Math.max(0, Math.floor((box.top - PAD) / rowH) - OVERSCAN);
  const lastRow = Math.min(rows - 1, Math.floor((box.top + box.height - PAD) / rowH) + OVERSCAN);

  // Fetch what is visible (first call also learns `total`).
  useEffect(() => {
    if (box.width === 0) return;
    // Before the first answer `total` is unknown: ask for a screenful from the top.
    const wantLast = pages.total === null ? firstRow + Math.ceil(box.height / rowH) : lastRow;
    pages.ensureRange(firstRow * cols, (wantLast + 1) * cols - 1);
  }, [pages, firstRow, lastRow, cols, version, box.width, box.height, rowH]);

  const scrollToIndex = useCallback(
    (index: number, center: boolean) => {
      const el = scrollRef.current;
      if (!el || rowH <= 0) return;
      const top = PAD + Math.floor(index / cols) * rowH;
      if (center) el.scrollTop = Math.max(0, top - (el.clientHeight - rowH) / 2);
      else if (top < el.scrollTop) el.scrollTop = top - PAD;
      else if (top + rowH > el.scrollTop + el.clientHeight) el.scrollTop = top + rowH - el.clientHeight + PAD;
    },
    [cols, rowH],
  );

  // Coming back from labeling: the image last worked on is in view.
  const restored = useRef(false);
  useLayoutEffect(() => {
    if (restored.current || box.width === 0 || pages.total === null) return;
    restored.current = true;
    if (focus !== null) scrollToIndex(focus, true);
  }, [box.width, pages.total, focus, scrollToIndex]);

  const onPick = useCallback(
    (index: number, item: ImageSummary, e: MouseEvent) => {
      const additive = e.ctrlKey || e.metaKey;
      if (e.shiftKey) {
        const anchor = selection.get().anchor ?? galleryFocus.get() ?? index;
        pages.idsInRange(anchor, index).then((ids) => selectRange(ids, additive), () => {});
      } else if (additive) {
        toggleSelected(index, item.id);
      } else {
        selectOnly(index, item.id);
      }
      galleryFocus.set(index);
    },
    [pages],
  );

  const onOpen = useCallback((index: number, item: ImageSummary) => openLabeling(index, item.id), []);

  useShortcutScope('gallery', {
    open: () => {
      const i = galleryFocus.get();
      if (i === null) return;
      const item = pages.get(i);
      if (item) openLabeling(i, item.id);
    },
    move: (dx, dy) => {
      if (total === 0) return;
      const cur = galleryFocus.get();
      const next = cur === null ? 0 : Math.max(0, Math.min(total - 1, cur + dx + dy * cols));
      galleryFocus.set(next);
      scrollToIndex(next, false);
      pages.load(next).then((item) => item && selectOnly(next, item.id), () => {});
    },
    assignNumber: onAssignNumber,
    clearSelection,
  });

  const cells = [];
  if (rows > 0 && box.width > 0) {
    const end = Math.min(total, (lastRow + 1) * cols);
    for (let i = firstRow * cols; i < end; i++) {
      const item = pages.get(i);
      const row = Math.floor(i / cols);
      const col = i % cols;
      cells.push(
        <GalleryCell
          key={item ? `i${item.id}` : `p${i}`}
          index={i}
          item={item}
          cls={item && item.classId !== null ? cls.find((c) => c.id === item.classId) : undefined}
          left={PAD + col * (size + GAP)}
          top={PAD + row * rowH}
          size={size}
          selected={item ? sel.ids.has(item.id) : false}
          focused={focus === i}
          onPick={onPick}
          onOpen={onOpen}
        />,
      );
    }
  }

  return (
    <div className="grid-scroll" ref={scrollRef} onScroll={onScroll} data-testid="gallery" role="grid" aria-rowcount={rows} tabIndex={0}>
      <div className="grid-inner" style={{ height }}>
        {cells}
      </div>
      {pages.total === 0 && (
        <div className="empty-state">
          {filtered ? (
            <p>No image matches these filters.</p>
          ) : (
            <>
              <h3>No images yet</h3>
              <p>Import a folder of images to start labeling: use the import field above{window.apprentice ? ', or drop a folder on this window' : ''}.</p>
            </>
          )}
        </div>
      )}
      {pages.total === null && <div className="empty-state muted">Loading…</div>}
    </div>
  );
}
