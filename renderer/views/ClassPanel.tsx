/** Classes of the project: add, rename inline, recolor, delete (after saying what it costs). */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ClassInfo } from '../../src/api/types';
import { addClass, classes, recolorClass, refreshClasses, refreshStats, removeClass, renameClass, stats } from '../state/project';
import { filter } from '../state/filter';
import { showToast } from '../state/toasts';
import { useStore } from '../state/store';
import { ConfirmDialog } from './ConfirmDialog';
import { Icon } from './Icon';
import { classKeyOf } from '../state/shortcuts';

export function ClassPanel() {
  const list = useStore(classes);
  const s = useStore(stats);
  const f = useStore(filter);
  const [name, setName] = useState('');
  const [removing, setRemoving] = useState<ClassInfo | null>(null);
  const count = (c: ClassInfo) => s?.classes.find((x) => x.name === c.name)?.count ?? 0;
  const regions = (c: ClassInfo) => s?.classes.find((x) => x.name === c.name)?.regions ?? 0;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    try {
      await addClass(n);
      setName('');
      await refreshClasses();
    } catch {
      // toast
    }
  };

  const remove = async (c: ClassInfo) => {
    setRemoving(null);
    try {
      const removedAnnotations = await removeClass(c.id);
      if (filter.get().classId === c.id) filter.set((x) => ({ ...x, classId: undefined }));
      showToast('success', `Deleted “${c.name}” and ${removedAnnotations.toLocaleString()} label${removedAnnotations === 1 ? '' : 's'}.`);
      await Promise.all([refreshClasses(), refreshStats()]);
    } catch {
      // toast
    }
  };

  return (
    <div className="class-panel">
      <h2 className="panel-title">Classes</h2>
      <ul className="class-list">
        {list.map((c, i) => (
          <ClassRow
            key={c.id}
            cls={c}
            number={classKeyOf(i)}
            count={count(c)}
            regions={regions(c)}
            active={f.classId === c.id}
            onFilter={() => filter.set((x) => ({ ...x, classId: x.classId === c.id ? undefined : c.id }))}
            onDelete={() => setRemoving(c)}
          />
        ))}
        {list.length === 0 && <li className="muted empty">No classes yet. Add one below.</li>}
      </ul>
      <form className="class-add" onSubmit={add}>
        <input data-testid="class-add-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="New class" maxLength={100} />
        <button type="submit" data-testid="class-add" disabled={!name.trim()}>
          Add
        </button>
      </form>
      {removing && (
        <ConfirmDialog
          title={`Delete class “${removing.name}”?`}
          confirmLabel="Delete class"
          danger
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(null)}
        >
          {count(removing) > 0 ? (
            <p>
              <b>{count(removing).toLocaleString()}</b> label{count(removing) === 1 ? '' : 's'} will be removed; those images become unlabeled.
            </p>
          ) : (
            <p>No image has this class yet: no labels will be removed.</p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}

interface RowProps {
  cls: ClassInfo;
  number: string | null;
  count: number;
  /** Boxes and polygons of this class (drawn, or accepted from a teacher). */
  regions: number;
  active: boolean;
  onFilter(): void;
  onDelete(): void;
}

function ClassRow({ cls, number, count, regions, active, onFilter, onDelete }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(cls.name);
  const [color, setColor] = useState(cls.color);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => setColor(cls.color), [cls.color]);
  useEffect(() => () => clearTimeout(timer.current), []);

  const commitName = async () => {
    setEditing(false);
    const n = draft.trim();
    if (!n || n === cls.name) return;
    try {
      await renameClass(cls.id, n);
    } catch {
      setDraft(cls.name);
    }
  };

  const changeColor = (c: string) => {
    setColor(c);
    // The picker fires while dragging: save once it settles.
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      recolorClass(cls.id, c).catch(() => setColor(cls.color));
    }, 300);
  };

  return (
    <li className={`class-row${active ? ' active' : ''}`} data-testid="class-row" data-class-name={cls.name}>
      <input type="color" className="swatch" value={color} onChange={(e) => changeColor(e.target.value)} aria-label={`Color of ${cls.name}`} title="Change color" />
      {editing ? (
        <input
          className="rename"
          value={draft}
          autoFocus
          maxLength={100}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={() => void commitName()}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') {
              setDraft(cls.name);
              setEditing(false);
            }
          }}
          aria-label="Class name"
        />
      ) : (
        <button
          className="class-name"
          onClick={onFilter}
          onDoubleClick={() => {
            setDraft(cls.name);
            setEditing(true);
          }}
          title={active ? 'Showing only this class; click to show all' : 'Show only this class (double-click to rename)'}
        >
          {cls.name}
        </button>
      )}
      <span className="class-count" title={`${count} labeled images${regions ? `, ${regions} regions` : ''}`} data-testid="class-count">
        {count.toLocaleString()}
        {regions > 0 && (
          <span className="class-regions" data-testid="class-regions">
            <Icon name="box" size={10} />
            {regions.toLocaleString()}
          </span>
        )}
      </span>
      {number !== null && <kbd title={`Press ${number} to assign`}>{number}</kbd>}
      <span className="row-actions">
        <button
          className="icon-button"
          title="Rename"
          aria-label={`Rename ${cls.name}`}
          onClick={() => {
            setDraft(cls.name);
            setEditing(true);
          }}
        >
          <Icon name="edit" />
        </button>
        <button className="icon-button danger" title="Delete" aria-label={`Delete ${cls.name}`} onClick={onDelete}>
          <Icon name="trash" />
        </button>
      </span>
    </li>
  );
}
