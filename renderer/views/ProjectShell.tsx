/** An open project: header with the view tabs, then Gallery (class panel, gallery or labeling view), Train, Review or Models; job progress and status bar. */
import { useEffect, useState } from 'react';
import type { ProjectInfo, Task } from '../../src/api/types';
import { ignore } from '../state/toasts';
import { goTab, route, tabOf, type Tab } from '../state/nav';
import { filter } from '../state/filter';
import { closeProject, setProjectTask } from '../state/project';
import { resetModels } from '../state/models';
import { resetExports } from '../state/exports';
import { resetReview } from '../state/review';
import { clearSelection } from '../state/selection';
import { useStore } from '../state/store';
import { BackupsDialog } from './BackupsPanel';
import { ClassPanel } from './ClassPanel';
import { DatasetExportDialog } from './DatasetExportDialog';
import { DropZone } from './DropZone';
import { Gallery } from './Gallery';
import { ImportControls } from './ImportControls';
import { JobProgressList } from './JobProgress';
import { LabelView } from './LabelView';
import { ModelsView } from './ModelsView';
import { ReviewView } from './ReviewView';
import { StatusBar } from './StatusBar';
import { TrainView } from './TrainView';
import { adoptRunningTraining, resetTraining, trainRun } from '../state/training';

export function ProjectShell({ project, onHelp }: { project: ProjectInfo; onHelp(): void }) {
  const r = useStore(route);
  const tab = tabOf(r);
  const [backupsOpen, setBackupsOpen] = useState(false);
  const [exportOpen, setExportOpen] = useState(false);

  // A different project starts from a clean gallery, with its own models and training run.
  useEffect(() => {
    route.set({ name: 'gallery' });
    filter.set({});
    clearSelection();
    resetModels();
    resetTraining();
    resetReview();
    resetExports();
    adoptRunningTraining().catch(ignore);
  }, [project.dir]);

  const close = async () => {
    try {
      await closeProject();
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
          <TaskSelect project={project} />
        </div>
        <NavTabs tab={tab} />
        <div className="topbar-center">
          <JobProgressList />
        </div>
        <div className="topbar-actions">
          <ImportControls />
          <button onClick={() => setExportOpen(true)} title="Write the images and labels as COCO, YOLO, Pascal VOC, ImageFolder or CSV" data-testid="export-dataset">
            Export dataset…
          </button>
          <button onClick={() => setBackupsOpen(true)} title="Back up the project or go back to an earlier backup" data-testid="open-backups">
            Backups
          </button>
          <button className="icon-button" onClick={onHelp} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
            ?
          </button>
          <button onClick={() => void close()} title="Close this project">
            Close
          </button>
        </div>
      </header>
      {tab === 'gallery' ? (
        <div className="workspace">
          <aside className="sidebar">
            <ClassPanel />
          </aside>
          <main className="main">{r.name === 'label' ? <LabelView key="label" /> : <Gallery />}</main>
        </div>
      ) : r.name === 'label' ? (
        <div className="workspace full">
          <main className="main">
            <LabelView key="review" />
          </main>
        </div>
      ) : (
        <div className="workspace full">
          <main className="main">{tab === 'train' ? <TrainView /> : tab === 'review' ? <ReviewView /> : <ModelsView />}</main>
        </div>
      )}
      <StatusBar />
      <DropZone />
      {backupsOpen && <BackupsDialog onClose={() => setBackupsOpen(false)} />}
      {exportOpen && <DatasetExportDialog onClose={() => setExportOpen(false)} />}
    </div>
  );
}

const TASKS: { value: Task; label: string; hint: string }[] = [
  { value: 'classify', label: 'Classify', hint: 'one class per image' },
  { value: 'detect', label: 'Detect', hint: 'boxes around objects' },
  { value: 'segment', label: 'Segment', hint: 'polygons around objects' },
];

/** The project's task, changeable: what the labeling tools and training aim at. Labels already made stay. */
function TaskSelect({ project }: { project: ProjectInfo }) {
  const [busy, setBusy] = useState(false);
  const change = async (task: Task) => {
    setBusy(true);
    try {
      await setProjectTask(task);
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };
  return (
    <select
      className="task-select"
      value={project.task}
      disabled={busy}
      onChange={(e) => void change(e.target.value as Task)}
      title={`Task: ${TASKS.find((t) => t.value === project.task)?.hint ?? project.task}. Change it to classify, detect boxes or segment polygons.`}
      aria-label="Task"
      data-testid="project-task"
    >
      {TASKS.map((t) => (
        <option key={t.value} value={t.value} title={t.hint}>
          {t.label}
        </option>
      ))}
    </select>
  );
}

const TABS: { tab: Tab; label: string; hint: string }[] = [
  { tab: 'gallery', label: 'Gallery', hint: 'Label images' },
  { tab: 'train', label: 'Train', hint: 'Train a model on the labeled images' },
  { tab: 'review', label: 'Review', hint: 'Pseudo-label unlabeled images with a teacher, review its labels, train students' },
  { tab: 'models', label: 'Models', hint: 'Accuracy, mistakes and curves of trained models' },
];

function NavTabs({ tab }: { tab: Tab }) {
  const run = useStore(trainRun);
  const training = run?.state === 'running' || run?.state === 'starting';
  return (
    <nav className="nav-tabs" aria-label="Views">
      {TABS.map((t) => (
        <button
          key={t.tab}
          className={`nav-tab${tab === t.tab ? ' active' : ''}`}
          aria-current={tab === t.tab ? 'page' : undefined}
          data-testid={`nav-${t.tab}`}
          title={t.hint}
          onClick={() => goTab(t.tab)}
        >
          {t.label}
          {t.tab === 'train' && training && <span className="nav-dot" aria-label="training" />}
        </button>
      ))}
    </nav>
  );
}
