/** Filters over `images.list`: class, split, labeled or not. */
import type { Split } from '../../src/api/types';
import { filter, type ImageFilter } from '../state/filter';
import { classes } from '../state/project';
import { useStore } from '../state/store';

const SPLITS: Split[] = ['train', 'val', 'test', 'unlabeled'];

export function GalleryFilters() {
  const f = useStore(filter);
  const cls = useStore(classes);
  const set = (patch: Partial<ImageFilter>) => filter.set((x) => ({ ...x, ...patch }));
  return (
    <div className="filters">
      <label>
        <span>Class</span>
        <select
          data-testid="filter-class"
          value={f.classId === undefined ? '' : String(f.classId)}
          onChange={(e) => set({ classId: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">All classes</option>
          {cls.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Split</span>
        <select data-testid="filter-split" value={f.split ?? ''} onChange={(e) => set({ split: (e.target.value || undefined) as Split | undefined })}>
          <option value="">All splits</option>
          {SPLITS.map((s) => (
            <option key={s} value={s}>
              {s === 'unlabeled' ? 'no split' : s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Status</span>
        <select
          data-testid="filter-labeled"
          value={f.labeled === undefined ? '' : f.labeled ? 'labeled' : 'unlabeled'}
          onChange={(e) => set({ labeled: e.target.value === '' ? undefined : e.target.value === 'labeled' })}
        >
          <option value="">Labeled and unlabeled</option>
          <option value="labeled">Labeled</option>
          <option value="unlabeled">Unlabeled</option>
        </select>
      </label>
      {(f.classId !== undefined || f.split !== undefined || f.labeled !== undefined) && (
        <button className="link" onClick={() => filter.set({})}>
          Reset
        </button>
      )}
    </div>
  );
}
