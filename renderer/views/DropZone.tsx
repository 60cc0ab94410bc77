/**
 * Files or folders dropped on the window: imported in Electron (the preload gives their paths);
 * on the web a browser cannot reveal paths, so a toast asks for the folder path instead.
 */
import { useEffect, useState } from 'react';
import { startImport } from '../state/jobs';
import { desktop, pathForFile } from '../state/platform';
import { ignore, showToast } from '../state/toasts';

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

export function DropZone() {
  const [over, setOver] = useState(false);

  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overFn = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (!desktop) {
        showToast('info', 'A browser cannot tell the studio where dropped files live. Paste the folder path into the import field instead.');
        return;
      }
      const paths = files.map((f) => pathForFile(f)).filter(Boolean);
      if (paths.length === 0) {
        showToast('info', 'Nothing to import in what was dropped.');
        return;
      }
      startImport(paths).catch(ignore);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overFn);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('drop', drop);
    };
  }, []);

  if (!over) return null;
  return (
    <div className="dropzone" aria-hidden="true">
      <div>{desktop ? 'Drop images or folders to import them' : 'Paste the folder path into the import field to import'}</div>
    </div>
  );
}
