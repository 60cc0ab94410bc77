/**
 * What the canvas shortcuts and toolbar do to the open image's regions: class keys, undo/redo,
 * copy/paste (between images too), repeat the previous image's regions, zoom to the selection,
 * hide, lock, delete and nudge. Edits go through renderer/state/regions, so each one is a step
 * of the core's undo history.
 */
import { useRef, type RefObject } from 'react';
import type { ClassInfo, Region, Task } from '../../src/api/types';
import { boundsOf, nudge } from '../tools/geometry';
import type { ToolRegion } from '../tools/types';
import { classes } from '../state/project';
import {
  allHidden,
  createRegions,
  deleteRegions,
  lockedRegions,
  redoRegions,
  regions,
  regionsOf,
  regionsSaved,
  reloadRegions,
  selectedRegions,
  toggleInSet,
  undoRegions,
  updateRegions,
  type NewRegion,
} from '../state/regions';
import { applyReview } from '../state/review';
import type { CanvasActions, CanvasToolName } from '../state/shortcuts';
import { ignore, showToast } from '../state/toasts';
import type { ImageStageHandle } from './ImageStage';
import { toGeometry, type ImageSize } from './region-shapes';

/** Copied regions, normalized: they paste at the same place on an image of any size. */
let clipboard: NewRegion[] = [];

const asNew = (r: Region): NewRegion | null => (r.classId === null ? null : ({ classId: r.classId, kind: r.kind, geometry: r.geometry } as NewRegion));

export function useCanvasActions(opts: {
  imageId: number | null;
  imageSize: ImageSize | null;
  task: Task;
  toolRegions: readonly ToolRegion[];
  stage: RefObject<ImageStageHandle | null>;
  setTool(tool: CanvasToolName): void;
  setDrawClass(c: ClassInfo): void;
  previousImageId(): Promise<number | null>;
  next(): void;
}): CanvasActions {
  const ref = useRef(opts);
  ref.current = opts;
  const o = () => ref.current;

  /** Selected regions a person may change (locked ones are left as they are). */
  const editable = () => {
    const locked = lockedRegions.get();
    return [...selectedRegions.get()].filter((id) => !locked.has(id));
  };

  const paste = (list: NewRegion[], what: string) => {
    const { imageId } = o();
    if (imageId === null || !list.length) return;
    const ids = createRegions(imageId, list);
    selectedRegions.set(new Set(ids));
    showToast('info', `${what}: ${list.length} region${list.length === 1 ? '' : 's'}.`);
  };

  const pendingIds = () => regions.get().regions.filter((r) => r.source === 'pseudo' && r.status === 'pending' && r.id > 0).map((r) => r.id);

  return {
    hasSelection: () => selectedRegions.get().size > 0,
    hasPending: () => pendingIds().length > 0,
    acceptPendingAndNext() {
      const ids = pendingIds();
      if (!ids.length) return;
      // Edits made just before are stored first, so "accept" sees the corrected boxes.
      void regionsSaved()
        .then(() => applyReview(ids, 'accept'))
        .then(() => {
          reloadRegions();
          o().next();
        }, ignore);
    },
    digitsForRegions: () => selectedRegions.get().size > 0 || o().task !== 'classify',
    classNumber(n) {
      const c = classes.get()[n - 1];
      if (!c) {
        showToast('info', `There is no class ${n}. Add classes in the panel on the left.`);
        return;
      }
      const ids = editable();
      const { imageId } = o();
      if (ids.length && imageId !== null) updateRegions(imageId, ids.map((id) => ({ id, classId: c.id })));
      else o().setDrawClass(c);
    },
    setTool: (t) => o().setTool(t),
    undo() {
      const { imageId } = o();
      if (imageId !== null) void regionsSaved().then(() => undoRegions(imageId));
    },
    redo() {
      const { imageId } = o();
      if (imageId !== null) void regionsSaved().then(() => redoRegions(imageId));
    },
    copy() {
      const sel = selectedRegions.get();
      const list = regions.get().regions.filter((r) => sel.has(r.id)).map(asNew).filter((r): r is NewRegion => r !== null);
      if (!list.length) return;
      clipboard = list;
      showToast('info', `Copied ${list.length} region${list.length === 1 ? '' : 's'}.`);
    },
    paste: () => paste(clipboard, 'Pasted'),
    async repeatPrevious() {
      const prev = await o().previousImageId();
      if (prev === null) {
        showToast('info', 'There is no previous image in this view.');
        return;
      }
      const list = (await regionsOf(prev)).filter((r) => r.source === 'human' || r.status === 'accepted' || r.status === 'corrected').map(asNew).filter((r): r is NewRegion => r !== null);
      if (!list.length) showToast('info', 'The previous image has no regions to repeat.');
      else paste(list, "Repeated the previous image's regions");
    },
    zoomToSelection() {
      const sel = selectedRegions.get();
      const b = boundsOf(o().toolRegions.filter((r) => sel.has(r.id)).map((r) => r.shape));
      if (b) o().stage.current?.zoomTo(b);
      else o().stage.current?.fit();
    },
    toggleHideAll: () => allHidden.set(!allHidden.get()),
    toggleLock() {
      const sel = [...selectedRegions.get()];
      const locked = lockedRegions.get();
      toggleInSet(lockedRegions, sel, !sel.every((id) => locked.has(id)));
    },
    deleteSelected() {
      const { imageId } = o();
      const ids = editable();
      if (imageId !== null && ids.length) deleteRegions(imageId, ids);
    },
    selectAll: () => selectedRegions.set(new Set(o().toolRegions.filter((r) => !r.hidden).map((r) => r.id))),
    deselect: () => selectedRegions.set(new Set()),
    nudge(dx, dy) {
      const { imageId, imageSize, toolRegions } = o();
      if (imageId === null || !imageSize) return;
      const ids = new Set(editable());
      const changes = toolRegions.filter((r) => ids.has(r.id)).map((r) => ({ id: r.id, geometry: toGeometry(nudge(r.shape, dx, dy, imageSize), imageSize).geometry }));
      updateRegions(imageId, changes);
    },
  };
}
