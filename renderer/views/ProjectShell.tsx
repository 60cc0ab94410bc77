/** An open project: header, class panel, gallery or labeling view, job progress and status bar. */
import { useEffect } from 'react';
import type { ProjectInfo } from '../../src/api/types';
import { api } from '../api';
import { route } from '../state/nav';
import { filter } from '../state/filter';
import { setProject } from '../state/project';
import { clearSelection } from '../state/selection';
import { useStore } from '../state/store';
import { ClassPanel } from './ClassPanel';
import { DropZone } from './DropZone';
import { Gallery } from './Gallery';
import { ImportControls } from './ImportControls';
import { JobProgressList } from './JobProgress';
import { LabelView } from './LabelView';
import { StatusBar } from './StatusBar';

export function ProjectShell({ project, onHelp }: { project: ProjectInfo; onHelp(): void }) {
  const r = useStore(route);

  // A different project starts from a clean gallery.
  useEffect(() => {
    route.set({ name: 'gallery' });
    filter.set({});
    clearSelection();
  }, [project.dir]);

  const close = async () => {
    try {
      await api.invoke('project.close', {});
      setProject(null);
    } catch {
      // shown in a toast
    }
  };

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand" title={project.dir}>
          <span className="logo small" aria-hidden="true">
            A
          </span>
          <span className="project-name">{project.name}</span>
          <span className="badge">{project.task}</span>
        </div>
        <div className="topbar-center">
          <JobProgressList />
        </div>
        <div className="topbar-actions">
          <ImportControls />
          <button className="icon-button" onClick={onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
            ?
          </button>
          <button onClick={() => void close()} title="Close this project">
            Close
          </button>
        </div>
      </header>
      <div className="workspace">
        <aside className="sidebar">
          <ClassPanel />
        </aside>
        <main className="main">{r.name === 'label' ? <LabelView key="label" /> : <Gallery />}</main>
      </div>
      <StatusBar />
      <DropZone />
    </div>
  );
}
