/**
 * "Import dataset…": a folder or file, its format (detected, or one of the dataset formats the
 * core reads) and the split to put it in. The result stays in the dialog: how many images came
 * in, how many were duplicates, how many boxes and polygons, and every entry that was skipped
 * with its file, line or JSON path and why, so a partly bad dataset shows what it lost.
 */
import { useState, type FormEvent } from 'react';
import { importFormatOptions, type ImportFormat } from '../../src/api/formats';
import type { ImportSplit } from '../../src/api/schemas';
import type { ImportError, ImportResult } from '../../src/api/types';
import { useDialogJob, type JobEnd } from '../state/jobs';
import { desktop, pickFolder } from '../state/platform';
import { ChoiceField } from './common/ChoiceField';
import { DialogActions } from './common/DialogActions';
import { JobBar } from './common/JobBar';
import { JobFailure } from './common/JobFailure';
import { RejectedList, type Rejected } from './common/RejectedList';
import { Modal } from './Modal';
import { PathField } from './PathField';

const FORMATS = importFormatOptions;

const SPLITS: { value: ImportSplit; label: string }[] = [
  { value: 'auto', label: 'As the dataset says (else 80/10/10)' },
  { value: 'train', label: 'Train' },
  { value: 'val', label: 'Validation' },
  { value: 'test', label: 'Test' },
  { value: 'unlabeled', label: 'Unlabeled' },
];

/** "dir/annotations.json:$.annotations[3]" -> file and where ("dir/a.csv:7" -> line 7); a plain path has no where. */
function rejected(e: ImportError): Rejected {
  const m = /^(.*\.(?:json|xml|txt|csv|ya?ml)):(.+)$/i.exec(e.path);
  if (!m) return { file: e.path, where: null, reason: e.reason };
  return { file: m[1]!, where: /^\d+$/.test(m[2]!) ? `line ${m[2]}` : m[2]!, reason: e.reason };
}

function ImportOutcome({ end }: { end: JobEnd }) {
  if (end.state !== 'done') return <JobFailure end={end} testId="dataset-import-result" cancelled="Import cancelled: the images imported before it stay." failed="Import failed" />;
  const r = (end.result ?? { imported: 0, duplicates: 0, errors: [] }) as ImportResult & { annotations?: number };
  return (
    <>
      <div className={`export-result small ${r.errors.length ? 'error' : 'ok'}`} data-testid="dataset-import-result" data-state="done">
        <span className="verdict">{r.errors.length ? 'Imported with problems' : '✓ Imported'}</span>
        <span data-testid="dataset-import-imported">{r.imported.toLocaleString()} images</span>
        <span>{r.duplicates.toLocaleString()} duplicates skipped</span>
        {!!r.attached && <span data-testid="dataset-import-attached">{r.attached.toLocaleString()} labels attached to images already here</span>}
        {r.annotations !== undefined && <span>{r.annotations.toLocaleString()} annotations</span>}
      </div>
      <RejectedList items={r.errors.map(rejected)} testid="dataset-import-errors" />
    </>
  );
}

export function ImportDialog({ onClose }: { onClose(): void }) {
  const [path, setPath] = useState('');
  const [format, setFormat] = useState<ImportFormat>('auto');
  const [split, setSplit] = useState<ImportSplit>('auto');
  const [followLinks, setFollowLinks] = useState(false);
  const [imagesRoot, setImagesRoot] = useState('');
  const { busy, running, progress, end, start } = useDialogJob();
  const hint = FORMATS.find((f) => f.value === format)!.hint;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (!p || busy || running) return;
    const root = imagesRoot.trim();
    await start({ kind: 'import', input: { paths: [p], format, split, followLinks, ...(root ? { imagesRoot: root } : {}) } });
  };

  return (
    <Modal title="Import dataset" onClose={onClose} wide>
      <form className="form dataset-form" onSubmit={submit} noValidate>
        <PathField
          label="Folder or file"
          value={path}
          onChange={setPath}
          placeholder={desktop ? '/path/to/dataset' : 'A path on the machine running apprentice serve'}
          testId="dataset-import-path"
          browseLabel="Choose folder…"
          browseTestId="dataset-import-browse"
          pick={pickFolder}
        />
        <div className="form-grid">
          <ChoiceField label="Format" value={format} options={FORMATS} onChange={setFormat} testId="dataset-import-format" />
          <ChoiceField label="Split" value={split} options={SPLITS} onChange={setSplit} testId="dataset-import-split" />
          <p className="muted small span-2 dataset-hint" data-testid="dataset-import-hint">
            {hint}
          </p>
          <label className="field span-2" title="The folder the dataset's images are in, when they are not where the dataset's layout says (COCO images/<split>/, Roboflow, CVAT images/<subset>/ are found by themselves)">
            <span>Images folder (optional)</span>
            <input type="text" value={imagesRoot} spellCheck={false} placeholder="Found automatically" onChange={(e) => setImagesRoot(e.target.value)} data-testid="dataset-import-images-root" />
          </label>
          <label className="check-line span-2" title="Images outside the chosen folder (symbolic links, ../ paths in the dataset file) are skipped and listed unless this is ticked">
            <input type="checkbox" checked={followLinks} onChange={(e) => setFollowLinks(e.target.checked)} data-testid="dataset-import-follow-links" />
            <span>Follow links: also import images outside this folder</span>
          </label>
        </div>
        <DialogActions
          submitLabel={running ? 'Importing…' : 'Start import'}
          disabled={!path.trim()}
          busy={busy || running}
          testId="dataset-import-start"
          closeLabel={running ? 'Close (keeps importing)' : 'Close'}
          onClose={onClose}
        />
      </form>
      {running && <JobBar progress={progress} label="Importing" />}
      {end && <ImportOutcome end={end} />}
    </Modal>
  );
}
