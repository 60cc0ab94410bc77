/**
 * Labeling one image at a time, in the gallery's filtered order (or a fixed list of images, such
 * as a model's mistakes). In a classification project number keys assign the image's class and
 * move on; boxes and polygons are drawn on the canvas with the select, box and polygon tools (see
 * useRegionTools and the 'canvas' rows of the shortcut table), for any project: a project can hold
 * tags and shapes together. Actions run one after another, so fast typing labels consecutive
 * images and never the same one twice.
 */
import { useCallback, useEffect, useRef, useState, type CSSProperties } from 'react';
import type { ClassInfo } from '../../src/api/types';
import { mediaUrl } from '../api/media';
import { ImageStage, type ImageStageHandle } from '../canvas/ImageStage';
import { RegionShapes } from '../canvas/RegionShapes';
import { useCanvasActions } from '../canvas/useCanvasActions';
import { useRegionTools } from '../canvas/useRegionTools';
import type { ImageSize } from '../canvas/region-shapes';
import { preloadImage } from '../canvas/useHtmlImage';
import { idAt, idAtOffset, imageDetail, locate, step, type ImageOrder, type Position } from '../state/cursor';
import { filter } from '../state/filter';
import { useShortcutScope } from '../state/keyboard';
import { backToGallery, galleryFocus, route, type Route } from '../state/nav';
import { bumpData, classes, dataVersion, project, refreshStats, setImagesClass } from '../state/project';
import { openRegions, regions, reloadRegions, selectedRegions } from '../state/regions';
import { classKeyOf, isTyping, type CanvasToolName } from '../state/shortcuts';
import { showToast } from '../state/toasts';
import { useStore } from '../state/store';
import { CanvasToolbar } from './CanvasToolbar';
import { Icon } from './Icon';
import { RegionPanel } from './RegionPanel';

const TOOL_FOR_TASK: Record<string, CanvasToolName> = { classify: 'pan', detect: 'box', segment: 'polygon' };

export function LabelView() {
  const start = useRef(route.get());
  const list = start.current.name === 'label' ? start.current.list : undefined;
  // The order walked: the review list, or the gallery's filter when the view opened.
  const order = useRef<ImageOrder>(list ? { kind: 'ids', ids: list.ids } : { kind: 'filter', filter: filter.get() });
  const cls = useStore(classes);
  const [pos, setPosState] = useState<Position | null>(null);
  const posRef = useRef<Position | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const stage = useRef<ImageStageHandle>(null);
  const [zoom, setZoom] = useState(1);
  const task = useStore(project)?.task ?? 'classify';
  const [tool, setTool] = useState<CanvasToolName>(list?.tool ?? TOOL_FOR_TASK[task] ?? 'pan');
  const [drawClassId, setDrawClassId] = useState<number | null>(null);
  const [imageSize, setImageSize] = useState<ImageSize | null>(null);
  const drawClass = cls.find((c) => c.id === drawClassId) ?? cls[0] ?? null;
  const imageId = pos?.item.id ?? null;
  const regionTools = useRegionTools({ imageId, size: imageSize, tool, classes: cls, drawClassId: drawClass?.id ?? null });
  const selected = useStore(selectedRegions);
  const regionView = useStore(regions);

  const setPos = useCallback((p: Position) => {
    posRef.current = p;
    setPosState(p);
    const r = start.current;
    const reviewing = r.name === 'label' && r.list;
    if (!reviewing) galleryFocus.set(p.index);
    route.set({ name: 'label', index: p.index, imageId: p.item.id, ...(reviewing ? { list: reviewing } : {}) });
  }, []);

  const leave = useCallback((index?: number) => {
    const r = start.current;
    if (r.name === 'label' && r.list) route.set(r.list.back as Route);
    else backToGallery(index);
  }, []);

  /** Runs `fn` after every earlier action finished; errors were already toasted. */
  const enqueue = useCallback((fn: (p: Position) => Promise<void>) => {
    queue.current = queue.current.then(() => (posRef.current ? fn(posRef.current) : undefined)).catch(() => {});
  }, []);

  // Open at the image the gallery chose.
  useEffect(() => {
    const r = start.current;
    if (r.name !== 'label') return;
    queue.current = locate(order.current, r.index, r.imageId)
      .then((p) => (p ? setPos(p) : leave()))
      .catch(() => leave());
  }, [setPos, leave]);

  // A new image: its own regions, and no gesture carried over.
  useEffect(() => {
    if (imageId === null) return;
    regionTools.cancel();
    setImageSize(null);
    void openRegions(imageId);
  }, [imageId]); // only when the image changes

  // Someone changed data: refresh the current image's class and regions.
  const dv = useStore(dataVersion);
  const seen = useRef(dv);
  useEffect(() => {
    if (seen.current === dv) return;
    seen.current = dv;
    reloadRegions();
    enqueue(async (p) => {
      const d = await imageDetail(p.item.id);
      if (posRef.current?.item.id === d.id) setPos({ ...posRef.current, item: { ...posRef.current.item, classId: d.classId, split: d.split } });
    });
  }, [dv, enqueue, setPos]);

  // Warm the cache with the next image.
  useEffect(() => {
    if (!pos || pos.index + 1 >= pos.total) return;
    const t = setTimeout(() => {
      const o = order.current;
      const known = idAt(o, pos.index + 1);
      if (known !== undefined) preloadImage(mediaUrl(known, 'full'));
      else if (o.kind === 'filter') {
        idAtOffset(o.filter, pos.index + 1).then((id) => id !== undefined && preloadImage(mediaUrl(id, 'full')), () => {});
      }
    }, 150);
    return () => clearTimeout(t);
  }, [pos?.index, pos?.total, pos]);

  const move = (dir: 1 | -1, atEnd?: () => void) =>
    enqueue(async (p) => {
      const n = await step(order.current, p.index, p.item.id, dir);
      if (n) setPos(n);
      else atEnd?.();
    });

  const setClass = (c: ClassInfo | null, advance: boolean) =>
    enqueue(async (p) => {
      await setImagesClass([p.item.id], c ? c.id : null);
      setPos({ ...p, item: { ...p.item, classId: c ? c.id : null } });
      bumpData();
      refreshStats().catch(() => {});
      if (!advance) return;
      const n = await step(order.current, p.index, p.item.id, 1);
      if (n) setPos(n);
      else showToast('info', 'That was the last image in this view.');
    });

  const assignNumber = (n: number) => {
    const c = classes.get()[n - 1];
    if (!c) {
      showToast('info', `There is no class ${n}. Add classes in the panel on the left.`);
      return;
    }
    setClass(c, true);
  };

  const back = () => {
    enqueue(async (p) => leave(p.index));
    if (!posRef.current) leave();
  };

  const canvasActions = useCanvasActions({
    imageId,
    imageSize,
    task,
    toolRegions: regionTools.toolRegions,
    stage,
    setTool: (t) => {
      regionTools.cancel();
      setTool(t);
    },
    setDrawClass: (c) => setDrawClassId(c.id),
    previousImageId: async () => {
      const p = posRef.current;
      if (!p) return null;
      return (await step(order.current, p.index, p.item.id, -1))?.item.id ?? null;
    },
    next: () => move(1),
  });
  useShortcutScope('canvas', canvasActions);

  // The drawing tool sees keys first (Escape abandons a gesture, Enter closes a polygon, Backspace
  // drops its last vertex); what it does not use goes on to the shortcut table.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      if (regionTools.onKey(e.key)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [regionTools]);

  useShortcutScope('label', {
    assignNumber,
    clear: () => setClass(null, false),
    next: () => move(1),
    prev: () => move(-1),
    back,
    fit: () => stage.current?.fit(),
    zoom: (factor) => stage.current?.zoom(factor),
  });

  const current = pos ? cls.find((c) => c.id === pos.item.classId) : undefined;

  return (
    <div className="label-view" data-testid="label-view" data-image-id={pos?.item.id}>
      <div className="toolbar">
        <button onClick={back} title={list ? 'Back (Esc)' : 'Back to the gallery (Esc)'} data-testid="label-back">
          <Icon name="back" /> {list ? 'Back' : 'Gallery'}
        </button>
        {list && (
          <span className="review-title" data-testid="review-title">
            {list.title}
          </span>
        )}
        <div className="label-nav">
          <button className="icon-button" onClick={() => move(-1)} disabled={!pos || pos.index === 0} title="Previous (← or K)" aria-label="Previous image">
            <Icon name="prev" />
          </button>
          <span className="muted position">{pos ? `${(pos.index + 1).toLocaleString()} / ${pos.total.toLocaleString()}` : '…'}</span>
          <button className="icon-button" onClick={() => move(1)} disabled={!pos || pos.index + 1 >= pos.total} title="Next (→ or J)" aria-label="Next image">
            <Icon name="next" />
          </button>
        </div>
        <span className="file-name" title={pos?.item.originalPath}>
          {pos?.item.fileName}
        </span>
        {pos && (
          <span className="muted">
            {pos.item.width}×{pos.item.height}
          </span>
        )}
        <span className="grow" />
        <span className="current-class" style={current ? ({ '--c': current.color } as CSSProperties) : undefined}>
          {current && <i />}
          <span data-testid="current-image-class">{pos ? (current?.name ?? 'unlabeled') : ''}</span>
        </span>
        <span className="grow" />
        <div className="zoom-controls">
          <button className="icon-button" onClick={() => stage.current?.zoom(0.8)} aria-label="Zoom out" title="Zoom out (-)">
            <Icon name="minus" />
          </button>
          <span className="muted zoom">{Math.round(zoom * 100)}%</span>
          <button className="icon-button" onClick={() => stage.current?.zoom(1.25)} aria-label="Zoom in" title="Zoom in (+)">
            <Icon name="plus" />
          </button>
          <button onClick={() => stage.current?.fit()} title="Fit to view (F)" data-testid="fit">
            <Icon name="fit" /> Fit
          </button>
        </div>
      </div>
      <CanvasToolbar
        tool={tool}
        actions={canvasActions}
        classes={cls}
        drawClass={drawClass}
        onDrawClass={(c) => setDrawClassId(c.id)}
        canUndo={regionView.canUndo}
        canRedo={regionView.canRedo}
        saving={regionView.saving}
        selectedCount={selected.size}
      />
      <div className="label-body with-regions">
        <div className="stage-wrap">
          {pos && (
            <ImageStage
              ref={stage}
              src={mediaUrl(pos.item.id, 'full')}
              alt={pos.item.fileName}
              onZoomChange={setZoom}
              onImageSize={setImageSize}
              tool={regionTools.stageTool}
              overlay={(vp) => <RegionShapes items={regionTools.items} options={{ scale: vp.scale, selected, preview: regionTools.preview, draftColor: drawClass?.color ?? '#6ea8fe' }} />}
            />
          )}
        </div>
        <aside className="chips" aria-label="Classes">
          <div className="chips-title">Assign</div>
          {cls.map((c, i) => (
            <button
              key={c.id}
              className={`chip${pos?.item.classId === c.id ? ' active' : ''}`}
              style={{ '--c': c.color } as CSSProperties}
              data-testid="class-chip"
              data-class-name={c.name}
              onClick={() => setClass(c, true)}
              title={`Press ${classKeyOf(i) ?? '/ to pick'}`}
            >
              <kbd>{classKeyOf(i) ?? ''}</kbd>
              <i />
              <span>{c.name}</span>
            </button>
          ))}
          {cls.length === 0 && <p className="muted small">Add a class in the panel on the left.</p>}
          <button className="chip clear" onClick={() => setClass(null, false)} disabled={!pos || pos.item.classId === null} title="Press Backspace (0 is the 10th class)">
            <kbd>⌫</kbd>
            <span>Clear label</span>
          </button>
          <RegionPanel classes={cls} />
          <p className="muted small hint">
            Press <kbd>?</kbd> for all shortcuts
          </p>
        </aside>
      </div>
    </div>
  );
}
