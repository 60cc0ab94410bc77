/** The studio: the start screen without a project, the project shell with one. Toasts and help on top. */
import { useEffect, useRef, useState } from 'react';
import { ignore } from '../state/toasts';
import { installShortcuts } from '../state/keyboard';
import { loadAppInfo, project, refreshProject, startProjectSync } from '../state/project';
import { startJobSync } from '../state/jobs';
import { startDetectorRunSync } from '../state/detectorRun';
import { startModelSync } from '../state/models';
import { startReviewSync } from '../state/review';
import { startTrainingSync } from '../state/training';
import { useStore } from '../state/store';
import { ClassPicker } from './ClassPicker';
import { HelpOverlay } from './HelpOverlay';
import { ProjectShell } from './ProjectShell';
import { StartScreen } from './StartScreen';
import { Toasts } from './Toasts';

export function App() {
  const current = useStore(project);
  const [help, setHelp] = useState(false);
  const helpOpen = useRef(help);
  helpOpen.current = help;

  useEffect(() => {
    startProjectSync();
    startJobSync();
    startDetectorRunSync();
    startModelSync();
    startTrainingSync();
    startReviewSync();
    loadAppInfo().catch(ignore);
    refreshProject().catch(() => project.set(null));
  }, []);

  useEffect(
    () =>
      installShortcuts({
        toggleHelp: () => setHelp((h) => !h),
        closeModal: () => {
          if (!helpOpen.current) return false;
          setHelp(false);
          return true;
        },
      }),
    [],
  );

  return (
    <div className="app">
      {current === undefined ? (
        <div className="splash">Apprentice</div>
      ) : current === null ? (
        <StartScreen />
      ) : (
        <ProjectShell project={current} onHelp={() => setHelp(true)} />
      )}
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      <ClassPicker />
      <Toasts />
    </div>
  );
}
