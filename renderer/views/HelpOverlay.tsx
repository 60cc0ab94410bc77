/**
 * The shortcut table, as the user sees it (opened with "?"). Any row can be given another key:
 * "Change" listens for the next key press, a key another row of the same view already has is
 * refused with that row's name, and the choice is stored in the project's settings.
 */
import { useEffect, useState } from 'react';
import { conflictsOf, describeKeys, keyName, keysOf, SHORTCUTS, shortcutOverrides, type Scope, type Shortcut } from '../state/shortcuts';
import { saveShortcutOverrides as save } from '../state/project';
import { ignore, showToast } from '../state/toasts';
import { useStore } from '../state/store';
import { Modal } from './Modal';

const SECTIONS: { scope: Scope; title: string }[] = [
  { scope: 'label', title: 'Labeling' },
  { scope: 'canvas', title: 'Regions (labeling view)' },
  { scope: 'review', title: 'Review' },
  { scope: 'gallery', title: 'Gallery' },
  { scope: 'global', title: 'Everywhere' },
];

const MODIFIERS = new Set(['Shift', 'Control', 'Meta', 'Alt', 'CapsLock']);

export function HelpOverlay({ onClose }: { onClose(): void }) {
  const overrides = useStore(shortcutOverrides);
  const [listening, setListening] = useState<Shortcut | null>(null);

  // While listening, the next key press (not a bare modifier) becomes the row's key.
  useEffect(() => {
    if (!listening) return;
    const onKey = (e: KeyboardEvent) => {
      if (MODIFIERS.has(e.key)) return;
      e.preventDefault();
      e.stopPropagation();
      setListening(null);
      if (e.key === 'Escape') return;
      const key = keyName(e);
      const clash = conflictsOf(key, listening);
      if (clash.length) {
        showToast('error', `${describeKeys([key])[0]} is already "${clash[0]!.label}". Change that one first.`);
        return;
      }
      save({ ...shortcutOverrides.get(), [listening.id]: [key] }).catch(ignore);
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [listening]);

  const reset = (s: Shortcut) => {
    const next = { ...shortcutOverrides.get() };
    delete next[s.id];
    save(next).catch(ignore);
  };

  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} wide>
      <div className="help-grid">
        {SECTIONS.map(({ scope, title }) => (
          <section key={scope}>
            <h3>{title}</h3>
            <table className="help-table">
              <tbody>
                {SHORTCUTS.filter((s) => s.scope === scope).map((s) => (
                  <tr key={s.id} data-testid="shortcut-row" data-shortcut-id={s.id}>
                    <td className="help-keys">
                      {listening?.id === s.id ? (
                        <span className="muted small">press a key…</span>
                      ) : (
                        describeKeys(keysOf(s)).map((k) => <kbd key={k}>{k}</kbd>)
                      )}
                    </td>
                    <td>{s.label}</td>
                    <td className="help-edit">
                      {s.id !== 'help' && s.keys.length < 9 && (
                        <button className="link small" onClick={() => setListening(s)} data-testid="shortcut-change" title="Press a new key for this">
                          Change
                        </button>
                      )}
                      {overrides[s.id] && (
                        <button className="link small" onClick={() => reset(s)} title={`Back to ${describeKeys(s.keys).join(', ')}`}>
                          Reset
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <p className="muted">Shortcuts are off while you type in a text field. Changed keys are kept in this project's settings.</p>
    </Modal>
  );
}
