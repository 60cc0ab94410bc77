/** No project open: recent projects, a new project, or open one by its folder. */
import { useEffect, useState, type FormEvent } from 'react';
import type { RecentProject, Task } from '../../src/api/types';
import { desktop, pickFolder } from '../state/platform';
import { appInfo, createProject, openProject, recentProjects } from '../state/project';
import { ignore } from '../state/toasts';
import { useStore } from '../state/store';

const TASKS: { value: Task; label: string; hint: string }[] = [
  { value: 'classify', label: 'Classification', hint: 'one class per image' },
  { value: 'detect', label: 'Detection', hint: 'boxes around objects' },
  { value: 'segment', label: 'Segmentation', hint: 'outlines of objects' },
];

export function StartScreen() {
  const info = useStore(appInfo);
  const [recent, setRecent] = useState<RecentProject[] | null>(null);
  const [dir, setDir] = useState('');
  const [task, setTask] = useState<Task>('classify');
  const [classText, setClassText] = useState('');
  const [openDir, setOpenDir] = useState('');
  const [busy, setBusy] = useState(false);
  const native = desktop && info?.nativeDialogs !== false;

  useEffect(() => {
    recentProjects().then(setRecent, () => setRecent([]));
  }, []);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    try {
      await fn();
    } catch {
      // the toast already said why
    } finally {
      setBusy(false);
    }
  };

  const open = (d: string) => run(() => openProject(d));

  const create = (e: FormEvent) => {
    e.preventDefault();
    const classes = classText
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    void run(() => createProject({ dir: dir.trim(), task, classes }));
  };

  const choose = async (set: (d: string) => void) => {
    const picked = await pickFolder().catch(() => null);
    if (picked) set(picked);
  };

  return (
    <div className="start">
      <div className="start-inner">
        <header className="start-header">
          <div className="logo" aria-hidden="true">
            A
          </div>
          <div>
            <h1>Apprentice</h1>
            <p className="muted">Label images, train small models on this machine, export to ONNX.</p>
          </div>
        </header>

        <div className="start-columns">
          <section className="card">
            <h2>New project</h2>
            <form onSubmit={create} className="form">
              <label className="field">
                <span>Folder</span>
                <div className="row">
                  <input
                    data-testid="new-project-dir"
                    value={dir}
                    onChange={(e) => setDir(e.target.value)}
                    placeholder={native ? '/path/to/new/project' : 'my-project'}
                    spellCheck={false}
                    required
                  />
                  {native && (
                    <button type="button" onClick={() => choose(setDir).catch(ignore)}>
                      Choose folder…
                    </button>
                  )}
                </div>
                {!native && info?.workspace && (
                  <small className="muted">
                    A plain name is created inside <code>{info.workspace}</code>.
                  </small>
                )}
              </label>
              <fieldset className="field">
                <legend>Task</legend>
                <div className="segmented">
                  {TASKS.map((t) => (
                    <label key={t.value} className={task === t.value ? 'active' : ''} title={t.hint}>
                      <input type="radio" name="task" value={t.value} checked={task === t.value} onChange={() => setTask(t.value)} />
                      {t.label}
                    </label>
                  ))}
                </div>
              </fieldset>
              <label className="field">
                <span>Classes</span>
                <input
                  data-testid="new-project-classes"
                  value={classText}
                  onChange={(e) => setClassText(e.target.value)}
                  placeholder="cat, dog, bird"
                />
                <small className="muted">Comma-separated. You can add more later.</small>
              </label>
              <button type="submit" className="primary" data-testid="create-project" disabled={busy || !dir.trim()}>
                Create project
              </button>
            </form>
          </section>

          <section className="card">
            <h2>Recent projects</h2>
            {recent === null ? (
              <p className="muted">Loading…</p>
            ) : recent.length === 0 ? (
              <p className="muted">No recent projects yet.</p>
            ) : (
              <ul className="recent-list">
                {recent.map((r) => (
                  <li key={r.dir}>
                    <button className="recent" data-testid="recent-project" onClick={() => void open(r.dir)} disabled={busy} title={r.dir}>
                      <span className="recent-name">{r.name}</span>
                      <span className="recent-dir">{r.dir}</span>
                      <span className="recent-date">{formatDate(r.openedAt)}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}

            <h2 className="spaced">Open project</h2>
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                if (openDir.trim()) void open(openDir.trim());
              }}
            >
              <input
                data-testid="open-project-dir"
                value={openDir}
                onChange={(e) => setOpenDir(e.target.value)}
                placeholder="Folder of an existing project"
                spellCheck={false}
              />
              {native && (
                <button type="button" onClick={() => choose((d) => void open(d)).catch(ignore)}>
                  Choose…
                </button>
              )}
              <button type="submit" disabled={busy || !openDir.trim()}>
                Open
              </button>
            </form>
          </section>
        </div>
      </div>
    </div>
  );
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}
