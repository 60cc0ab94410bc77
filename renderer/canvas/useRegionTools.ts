/**
 * Binds the active drawing tool (a pure state machine from renderer/tools) to the open image's
 * regions: it turns stored regions into tool regions in image pixels, feeds the tool pointer and
 * key events, draws its preview, and turns its intents into edits of renderer/state/regions (which
 * apply at once and are stored in the core in order).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ClassInfo, Region } from '../../src/api/types';
import { boxTool } from '../tools/box';
import { polygonTool } from '../tools/polygon';
import { selectTool } from '../tools/select';
import type { Preview, Tool, ToolEvent, ToolIntent, ToolRegion } from '../tools/types';
import { allHidden, createRegions, deleteRegions, hiddenRegions, lockedRegions, regions, selectedRegions, updateRegions } from '../state/regions';
import type { CanvasToolName } from '../state/shortcuts';
import { showToast } from '../state/toasts';
import { useStore } from '../state/store';
import type { DrawItem } from './region-draw';
import { toGeometry, toToolShape, type ImageSize } from './region-shapes';

const TOOLS: Record<Exclude<CanvasToolName, 'pan'>, Tool<unknown>> = {
  select: selectTool as Tool<unknown>,
  box: boxTool as Tool<unknown>,
  polygon: polygonTool as Tool<unknown>,
};

const GREY = '#9aa0a6';

export function regionLabel(r: Region, cls: ClassInfo | undefined): string {
  const name = cls?.name ?? 'no class';
  return r.source === 'pseudo' && r.confidence !== null ? `${name} ${Math.round(r.confidence * 100)}%` : name;
}

export interface RegionTools {
  /** For ImageStage: null while panning is the tool. */
  stageTool: { cursor: string; onEvent(ev: ToolEvent, scale: number): void } | null;
  /** A key for the tool; true when it used it (then the shortcut table must not). */
  onKey(key: string): boolean;
  /** Abandon any gesture (tool switch, image change). */
  cancel(): void;
  preview: Preview;
  items: DrawItem[];
  toolRegions: ToolRegion[];
}

export function useRegionTools(opts: {
  imageId: number | null;
  size: ImageSize | null;
  tool: CanvasToolName;
  classes: ClassInfo[];
  /** The class a newly drawn region gets. */
  drawClassId: number | null;
}): RegionTools {
  const { imageId, size, classes } = opts;
  const view = useStore(regions);
  const selected = useStore(selectedRegions);
  const locked = useStore(lockedRegions);
  const hidden = useStore(hiddenRegions);
  const hideAll = useStore(allHidden);
  const [preview, setPreview] = useState<Preview>({});
  const [cursor, setCursor] = useState('crosshair');
  const state = useRef<{ tool: CanvasToolName; value: unknown }>({ tool: opts.tool, value: null });
  const lastScale = useRef(1);
  const lastPoint = useRef<{ x: number; y: number } | null>(null);

  const toolRegions = useMemo<ToolRegion[]>(() => {
    if (!size || view.imageId !== imageId) return [];
    return view.regions.map((r) => ({ id: r.id, shape: toToolShape(r, size), locked: locked.has(r.id), hidden: hideAll || hidden.has(r.id) }));
  }, [view, size, imageId, locked, hidden, hideAll]);

  const items = useMemo<DrawItem[]>(() => {
    const byId = new Map(classes.map((c) => [c.id, c]));
    const regionsById = new Map(view.regions.map((r) => [r.id, r]));
    return toolRegions
      .filter((t) => !t.hidden)
      .map((t) => {
        const r = regionsById.get(t.id)!;
        const c = r.classId === null ? undefined : byId.get(r.classId);
        return { id: t.id, shape: t.shape, color: c?.color ?? GREY, label: regionLabel(r, c), pending: r.source === 'pseudo' && r.status === 'pending', locked: t.locked };
      });
  }, [toolRegions, view.regions, classes]);

  const tool = opts.tool === 'pan' ? null : TOOLS[opts.tool];
  // A different tool starts from its idle state.
  if (state.current.tool !== opts.tool) state.current = { tool: opts.tool, value: tool?.initial ?? null };
  if (tool && state.current.value === null) state.current.value = tool.initial;

  const apply = useCallback(
    (intent: ToolIntent) => {
      if (imageId === null || !size) return;
      switch (intent.kind) {
        case 'create': {
          if (opts.drawClassId === null) {
            showToast('info', 'Add a class first (the panel on the left): every region needs one.');
            return;
          }
          const [id] = createRegions(imageId, [{ classId: opts.drawClassId, ...toGeometry(intent.shape, size) }]);
          if (id !== undefined) selectedRegions.set(new Set([id]));
          return;
        }
        case 'update':
          updateRegions(imageId, intent.changes.map((c) => ({ id: c.id, geometry: toGeometry(c.shape, size).geometry })));
          return;
        case 'delete':
          deleteRegions(imageId, intent.ids);
          return;
        case 'select':
          selectedRegions.set(new Set(intent.ids));
          return;
      }
    },
    [imageId, size, opts.drawClassId],
  );

  const step = useCallback(
    (ev: ToolEvent, scale: number): boolean => {
      if (!tool || !size) return false;
      lastScale.current = scale;
      if (ev.type === 'down' || ev.type === 'move' || ev.type === 'up') lastPoint.current = ev.p;
      const out = tool.step(state.current.value, ev, { regions: toolRegions, selected, scale, image: size });
      state.current.value = out.state;
      setPreview(out.preview);
      setCursor(out.cursor);
      for (const intent of out.intents) apply(intent);
      return out.consumed;
    },
    [tool, size, toolRegions, selected, apply],
  );

  // The selection or the regions changed from outside the tool (the region list, a class key, the
  // core's answer): a move where the pointer is lets the tool redraw its handles and hover.
  useEffect(() => {
    if (opts.tool === 'select' && lastPoint.current) step({ type: 'move', p: lastPoint.current }, lastScale.current);
  }, [selected, toolRegions]); // only when those change, not on every new `step`

  const stageTool = useMemo(() => (tool ? { cursor, onEvent: (ev: ToolEvent, scale: number) => void step(ev, scale) } : null), [tool, cursor, step]);

  return {
    stageTool,
    onKey: (key) => step({ type: 'key', key }, lastScale.current),
    cancel: () => {
      if (tool) step({ type: 'cancel' }, lastScale.current);
      setPreview({});
    },
    preview,
    items,
    toolRegions,
  };
}
