import { dismissToast, toasts } from '../state/toasts';
import { useStore } from '../state/store';

export function Toasts() {
  const list = useStore(toasts);
  return (
    <div className="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast" role={t.kind === 'error' ? 'alert' : 'status'}>
          <div className="toast-body">
            <div className="toast-message">{t.message}</div>
            {t.errors && t.errors.length > 0 && (
              <details className="toast-details">
                <summary>Show {t.errors.length === 1 ? 'the file' : `${t.errors.length} files`}</summary>
                <ul>
                  {t.errors.slice(0, 200).map((e, i) => (
                    <li key={i}>
                      <code title={e.path}>{e.path}</code>
                      <span>{e.reason}</span>
                    </li>
                  ))}
                  {t.errors.length > 200 && <li>… and {t.errors.length - 200} more</li>}
                </ul>
              </details>
            )}
          </div>
          <button className="icon-button" aria-label="Dismiss" title="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
