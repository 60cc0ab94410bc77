/**
 * The regions of the open image, as a list beside the canvas: click one to select it (Shift or
 * Ctrl/Cmd to add), change its class, lock or hide it. A teacher's regions show their confidence;
 * its pending ones can be accepted all at once (or one by one), which is how boxes are reviewed.
 */
import { memo, useEffect, useRef, type CSSProperties, type MouseEvent } from 'react';
import type { ClassInfo } from '../../src/api/types';
import { allHidden, hiddenRegions, lockedRegions, regions, reloadRegions, selectedRegions, toggleInSet, updateRegions, deleteRegions } from '../state/regions';
import { applyReview } from '../state/review';
import { useStore } from '../state/store';
import { ignore } from '../state/toasts';
import { Icon } from './Icon';
import { useVirtualRows } from './useVirtualRows';

/** Fixed row height (px), so the list can be windowed; matches .region-row in styles.css. */
const ROW = 48;

function sourceText(source: string, status: string, confidence: number | null): string {
  if (source === 'human') return 'human';
  const conf = confidence === null ? '' : ` ${Math.round(confidence * 100)}%`;
  return `${source}${conf} · ${status}`;
}

export const RegionPanel = memo(function RegionPanel({ classes }: { classes: ClassInfo[] }) {
  const view = useStore(regions);
  const selected = useStore(selectedRegions);
  const locked = useStore(lockedRegions);
  const hidden = useStore(hiddenRegions);
  const hideAll = useStore(allHidden);
  const imageId = view.imageId;
  const pending = view.regions.filter((r) => r.source === 'pseudo' && r.status === 'pending');
  const listRef = useRef<HTMLOListElement>(null);
  const win = useVirtualRows(listRef, view.regions.length, ROW);

  // A region selected on the canvas scrolls into view in the list.
  useEffect(() => {
    const el = listRef.current;
    if (!el || selected.size !== 1) return;
    const [id] = selected;
    const index = view.regions.findIndex((r) => r.id === id);
    if (index < 0) return;
    const top = index * ROW;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW - el.clientHeight;
  }, [selected, view.regions]);

  const pick = (id: number, e: MouseEvent) => {
    if (e.shiftKey || e.ctrlKey || e.metaKey) toggleInSet(selectedRegions, [id]);
    else selectedRegions.set(new Set([id]));
  };

  const review = (ids: number[], action: 'accept' | 'reject') => {
    if (!ids.length) return;
    applyReview(ids.filter((id) => id > 0), action).then(reloadRegions, ignore);
  };

  return (
    <section className="region-panel" aria-label="Regions" data-testid="region-panel">
      <div className="region-panel-head">
        <span className="chips-title">Regions · {view.regions.length}</span>
        <span className="grow" />
        <button className="small" onClick={() => allHidden.set(!hideAll)} title="Hide or show all regions (H)" data-testid="regions-hide-all">
          {hideAll ? 'Show all' : 'Hide all'}
        </button>
      </div>
      {pending.length > 0 && (
        <div className="region-review">
          <span className="muted small">{pending.length} from the teacher to review</span>
          <button className="small primary" onClick={() => review(pending.map((r) => r.id), 'accept')} data-testid="regions-accept-all" title="Accept every pending teacher region on this image">
            Accept all
          </button>
        </div>
      )}
      <ol className="region-list" ref={listRef}>
        <li aria-hidden style={{ height: win.padTop }} />
        {view.regions.slice(win.start, win.end).map((r, k) => {
          const i = win.start + k;
          const c = classes.find((k) => k.id === r.classId);
          const isHidden = hideAll || hidden.has(r.id);
          return (
            <li
              key={r.id}
              className={`region-row${selected.has(r.id) ? ' selected' : ''}${isHidden ? ' hidden' : ''}`}
              style={{ '--c': c?.color ?? '#9aa0a6' } as CSSProperties}
              data-testid="region-row"
              data-region-id={r.id}
              data-kind={r.kind}
              data-class-id={r.classId ?? undefined}
              data-geometry={JSON.stringify(r.geometry)}
              onClick={(e) => pick(r.id, e)}
            >
              <i />
              <span className="region-index muted">{i + 1}</span>
              <select
                value={r.classId ?? ''}
                onClick={(e) => e.stopPropagation()}
                onChange={(e) => imageId !== null && updateRegions(imageId, [{ id: r.id, classId: Number(e.target.value) }])}
                aria-label="Region class"
                disabled={locked.has(r.id)}
              >
                {r.classId === null && <option value="">no class</option>}
                {classes.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.name}
                  </option>
                ))}
              </select>
              <span className="region-source muted small" title={r.modelId ?? undefined}>
                {r.kind === 'box' ? 'box' : 'polygon'} · {sourceText(r.source, r.status, r.confidence)}
              </span>
              <span className="region-actions" onClick={(e) => e.stopPropagation()}>
                {r.source === 'pseudo' && r.status === 'pending' && (
                  <button className="icon-button small" onClick={() => review([r.id], 'accept')} title="Accept this region" aria-label="Accept region">
                    <Icon name="check" size={14} />
                  </button>
                )}
                <button className={`icon-button small${locked.has(r.id) ? ' on' : ''}`} onClick={() => toggleInSet(lockedRegions, [r.id])} title={locked.has(r.id) ? 'Unlock' : 'Lock: cannot be moved or deleted'} aria-label="Lock region" data-testid="region-lock">
                  <Icon name={locked.has(r.id) ? 'lock' : 'unlock'} size={14} />
                </button>
                <button className="icon-button small" onClick={() => toggleInSet(hiddenRegions, [r.id])} title={isHidden ? 'Show' : 'Hide'} aria-label="Hide region" disabled={hideAll}>
                  <Icon name={isHidden ? 'eyeOff' : 'eye'} size={14} />
                </button>
                <button className="icon-button small" onClick={() => imageId !== null && deleteRegions(imageId, [r.id])} title="Delete (a teacher's region is rejected)" aria-label="Delete region" disabled={locked.has(r.id)}>
                  <Icon name="x" size={14} />
                </button>
              </span>
            </li>
          );
        })}
        <li aria-hidden style={{ height: win.padBottom }} />
      </ol>
      {view.regions.length === 0 && <p className="muted small">No regions. Draw with the box (B) or polygon (P) tool.</p>}
    </section>
  );
});
