/**
 * The "/" picker: type part of a class name (or its number) to filter, ↑/↓ to move, ↵ to choose.
 * It reaches every class, also those past the tenth that have no digit key.
 */
import { useState, type CSSProperties } from 'react';
import { classes } from '../state/project';
import { classPicker, closeClassPicker } from '../state/classPicker';
import { classKeyOf } from '../state/shortcuts';
import { useStore } from '../state/store';
import { Modal } from './Modal';

export function ClassPicker() {
  const open = useStore(classPicker);
  if (!open) return null;
  return <PickerDialog onPick={open.onPick} />;
}

function PickerDialog({ onPick }: { onPick(n: number): void }) {
  const cls = useStore(classes);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const q = query.trim().toLowerCase();
  const shown = cls
    .map((c, i) => ({ c, n: i + 1 }))
    .filter(({ c, n }) => !q || c.name.toLowerCase().includes(q) || String(n) === q);
  const at = Math.min(active, Math.max(0, shown.length - 1));

  const choose = (n: number) => {
    closeClassPicker();
    onPick(n);
  };

  return (
    <Modal title="Choose a class" onClose={closeClassPicker}>
      <input
        data-autofocus
        data-testid="class-picker-input"
        className="class-picker-input"
        value={query}
        placeholder="Type to filter…"
        aria-label="Class name"
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            setActive(Math.max(0, Math.min(shown.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1))));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            const hit = shown[at];
            if (hit) choose(hit.n);
          }
        }}
      />
      <ul className="class-picker-list" role="listbox" aria-label="Classes">
        {shown.map(({ c, n }, i) => (
          <li
            key={c.id}
            role="option"
            aria-selected={i === at}
            className={`class-picker-option${i === at ? ' active' : ''}`}
            style={{ '--c': c.color } as CSSProperties}
            data-testid="class-picker-option"
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(n)}
          >
            <i />
            <span>{c.name}</span>
            {classKeyOf(n - 1) !== null && <kbd>{classKeyOf(n - 1)}</kbd>}
          </li>
        ))}
        {shown.length === 0 && <li className="muted small">No class matches “{query}”.</li>}
      </ul>
    </Modal>
  );
}
