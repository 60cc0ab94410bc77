/** The shortcut table, as the user sees it. Opened with "?". */
import { describeKeys, SHORTCUTS, type Scope } from '../state/shortcuts';
import { Modal } from './Modal';

const SECTIONS: { scope: Scope; title: string }[] = [
  { scope: 'label', title: 'Labeling' },
  { scope: 'review', title: 'Review' },
  { scope: 'gallery', title: 'Gallery' },
  { scope: 'global', title: 'Everywhere' },
];

export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} wide>
      <div className="help-grid">
        {SECTIONS.map(({ scope, title }) => (
          <section key={scope}>
            <h3>{title}</h3>
            <table className="help-table">
              <tbody>
                {SHORTCUTS.filter((s) => s.scope === scope).map((s) => (
                  <tr key={s.id}>
                    <td className="help-keys">
                      {describeKeys(s.keys).map((k) => (
                        <kbd key={k}>{k}</kbd>
                      ))}
                    </td>
                    <td>{s.label}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <p className="muted">Shortcuts are off while you type in a text field.</p>
    </Modal>
  );
}
