/**
 * Import: Electron picks a folder with the native dialog; the web studio takes a folder or file
 * path on the server's disk (the browser cannot hand over paths). "Unlabeled" imports every image
 * without a class (folder names ignored): the pool a teacher pseudo-labels. "Import dataset…" opens
 * the dialog that takes a format (COCO, YOLO, VOC, ...) and a split and shows what was skipped.
 */
import { useState, type FormEvent } from 'react';
import { startImport } from '../state/jobs';
import { desktop, pickFolder } from '../state/platform';
import { ignore } from '../state/toasts';
import { ImportDialog } from './ImportDialog';

export function ImportControls() {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [unlabeled, setUnlabeled] = useState(false);
  const [dialog, setDialog] = useState(false);
  const datasetButton = (
    <button type="button" onClick={() => setDialog(true)} title="Import a dataset in a chosen format: COCO, YOLO, Pascal VOC, CSV, ..." data-testid="import-dataset">
      Import dataset…
    </button>
  );
  // Beside the quick-import form, not inside it: the dialog has a form of its own.
  const datasetDialog = dialog && <ImportDialog onClose={() => setDialog(false)} />;
  const toggle = (
    <label className="import-unlabeled" title="Import every image as unlabeled, ignoring class folders: images for a teacher to pseudo-label">
      <input type="checkbox" checked={unlabeled} onChange={(e) => setUnlabeled(e.target.checked)} data-testid="import-unlabeled" />
      unlabeled
    </label>
  );

  if (desktop) {
    const pick = async () => {
      const dir = await pickFolder();
      if (dir) {
        await startImport([dir], { unlabeled });
        setUnlabeled(false);
      }
    };
    return (
      <div className="import-form">
        {toggle}
        <button className="primary" onClick={() => pick().catch(ignore)}>
          Import folder…
        </button>
        {datasetButton}
        {datasetDialog}
      </div>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (!p) return;
    setBusy(true);
    try {
      await startImport([p], { unlabeled });
      setPath('');
      setUnlabeled(false);
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form className="import-form" onSubmit={submit}>
        <input
          data-testid="import-path"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="Folder or file path on the server"
          title="A folder or image file on the machine running apprentice serve"
          spellCheck={false}
        />
        {toggle}
        <button type="submit" className="primary" data-testid="import-start" disabled={busy || !path.trim()}>
          Import
        </button>
        {datasetButton}
      </form>
      {datasetDialog}
    </>
  );
}
