/** Counts from `stats.get`, kept fresh by the project sync (projectChanged, jobDone). */
import { appInfo, project, stats } from '../state/project';
import { useStore } from '../state/store';

const n = (v: number) => v.toLocaleString();

export function StatusBar() {
  const s = useStore(stats);
  const info = useStore(appInfo);
  const p = useStore(project);
  return (
    <footer className="statusbar" data-testid="status-bar">
      {s ? (
        <>
          <span>
            <b>{n(s.images)}</b> images
          </span>
          <span>
            <b>{n(s.labeled)}</b> labeled
          </span>
          <span>
            <b>{n(s.unlabeled)}</b> unlabeled
          </span>
          <span className="sep" />
          <span>train {n(s.splits.train)}</span>
          <span>val {n(s.splits.val)}</span>
          <span>test {n(s.splits.test)}</span>
          {s.splits.unlabeled > 0 && <span>no split {n(s.splits.unlabeled)}</span>}
        </>
      ) : (
        <span className="muted">Counting…</span>
      )}
      <span className="grow" />
      {p && <span className="muted path" title={p.dir}>{p.dir}</span>}
      {info && (
        <span className="muted">
          {info.transport} · v{info.version}
        </span>
      )}
    </footer>
  );
}
