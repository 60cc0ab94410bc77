/**
 * "Import dataset…": a folder or file, its format (detected, or one of the dataset formats the
 * core reads) and the split to put it in. The result stays in the dialog: how many images came
 * in, how many were duplicates, how many boxes and polygons, and every entry that was skipped
 * with its file, line or JSON path and why, so a partly bad dataset shows what it lost.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { ImportError, ImportResult, JobProgress } from '../../src/api/types';
import { api, bridge, ignore } from '../api';
import { jobs, trackJob } from '../state/jobs';
import { useStore } from '../state/store';
import { Modal } from './Modal';
import { PathField } from './PathField';

type ImportFormat = 'auto' | 'folder' | 'imagefolder' | 'csv' | 'coco' | 'yolo' | 'voc' | 'labelstudio' | 'cvat';
type ImportSplit = 'auto' | 'train' | 'val' | 'test' | 'unlabeled';

const FORMATS: { value: ImportFormat; label: string; hint: string }[] = [
  { value: 'auto', label: 'Detect automatically', hint: 'A folder or a file: class folders, a labels CSV or loose images are recognized from what is there.' },
  { value: 'folder', label: 'Image folder', hint: 'A folder of images, searched with its subfolders; folder names are ignored (no classes).' },
  { value: 'imagefolder', label: 'ImageFolder classes', hint: 'A folder with one subfolder per class, optionally inside train/, val/ and test/.' },
  { value: 'csv', label: 'CSV', hint: 'A .csv file of path,label[,split] rows; paths are relative to the CSV.' },
  { value: 'coco', label: 'COCO JSON', hint: 'The instances .json file, or the folder holding it; images are looked up beside it.' },
  { value: 'yolo', label: 'YOLO', hint: 'The dataset folder with data.yaml (or classes.txt), images/ and labels/.' },
  { value: 'voc', label: 'Pascal VOC', hint: 'The VOC folder with Annotations/ and JPEGImages/ (or one .xml file).' },
  { value: 'labelstudio', label: 'Label Studio JSON', hint: 'The JSON export of a Label Studio project (a list of tasks).' },
  { value: 'cvat', label: 'CVAT XML 1.1', hint: 'The annotations.xml of a "CVAT for images 1.1" export, or the folder holding it.' },
];

const SPLITS: { value: ImportSplit; label: string }[] = [
  { value: 'auto', label: 'As the dataset says (else 80/10/10)' },
  { value: 'train', label: 'Train' },
  { value: 'val', label: 'Validation' },
  { value: 'test', label: 'Test' },
  { value: 'unlabeled', label: 'Unlabeled' },
];

export interface JobEnd {
  state: 'done' | 'failed' | 'cancelled';
  result: unknown;
  error: string | null;
}

/** Follows one job a dialog started: its live progress, then how it ended (event, or a slow poll for a missed one). */
export function useJob(jobId: string | null): { progress: JobProgress | null; end: JobEnd | null } {
  const list = useStore(jobs);
  const [end, setEnd] = useState<JobEnd | null>(null);
  useEffect(() => {
    setEnd(null);
    if (!jobId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (d: { state: string; result?: unknown; error?: { message: string } | null }): boolean => {
      if (d.state !== 'done' && d.state !== 'failed' && d.state !== 'cancelled') return false;
      if (live) setEnd({ state: d.state, result: d.result, error: d.error?.message ?? null });
      live = false;
      return true;
    };
    const off = api.on('jobDone', (d) => {
      if (d.jobId === jobId) settle(d);
    });
    const poll = () =>
      api
        .invoke('jobs.get', { jobId })
        .then((info) => {
          if (!settle(info) && live) timer = setTimeout(poll, 2000);
        })
        .catch(ignore);
    timer = setTimeout(poll, 500);
    return () => {
      live = false;
      off();
      clearTimeout(timer);
    };
  }, [jobId]);
  return { progress: list.find((j) => j.jobId === jobId)?.progress ?? null, end };
}

/** A progress bar for a running job, in the style of the top bar's. */
export function JobBar({ progress, label }: { progress: JobProgress | null; label: string }) {
  const frac = progress && progress.total > 0 ? Math.min(1, progress.step / progress.total) : null;
  return (
    <div className="dataset-progress" data-state="running">
      <span className="muted small">
        {label}
        {progress && progress.total > 0 ? ` ${progress.step.toLocaleString()} / ${progress.total.toLocaleString()}` : progress ? ` (${progress.phase})` : '…'}
      </span>
      <div className={`progress${frac === null ? ' indeterminate' : ''}`} role="progressbar" aria-valuenow={frac === null ? undefined : Math.round(frac * 100)}>
        <div className="progress-fill" style={frac === null ? undefined : { width: `${frac * 100}%` }} />
      </div>
    </div>
  );
}

export interface Rejected {
  file: string;
  where: string | null;
  reason: string;
}

/** "dir/annotations.json:$.annotations[3]" -> file and where ("dir/a.csv:7" -> line 7); a plain path has no where. */
function rejected(e: ImportError): Rejected {
  const m = /^(.*\.(?:json|xml|txt|csv|ya?ml)):(.+)$/i.exec(e.path);
  if (!m) return { file: e.path, where: null, reason: e.reason };
  return { file: m[1]!, where: /^\d+$/.test(m[2]!) ? `line ${m[2]}` : m[2]!, reason: e.reason };
}

/** Entries a dataset import or export skipped, in a scrolling list: file, line or JSON path, reason. */
export function RejectedList({ items, testid }: { items: Rejected[]; testid: string }) {
  if (!items.length) return null;
  return (
    <div className="dataset-rejected">
      <div className="small">
        Skipped {items.length.toLocaleString()} {items.length === 1 ? 'entry' : 'entries'}:
      </div>
      <ul className="dataset-rejected-list" data-testid={testid}>
        {items.slice(0, 1000).map((e, i) => (
          <li key={i}>
            <code title={e.file}>{e.file}</code>
            <span className="where">{e.where}</span>
            <span className="reason">{e.reason}</span>
          </li>
        ))}
        {items.length > 1000 && <li className="muted">… and {(items.length - 1000).toLocaleString()} more</li>}
      </ul>
    </div>
  );
}

function ImportOutcome({ end }: { end: JobEnd }) {
  if (end.state !== 'done') {
    return (
      <div className="export-result error small" data-testid="dataset-import-result" data-state={end.state}>
        {end.state === 'cancelled' ? 'Import cancelled: the images imported before it stay.' : `Import failed: ${end.error ?? 'unknown error'}`}
      </div>
    );
  }
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
  const [busy, setBusy] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const { progress, end } = useJob(jobId);
  const running = jobId !== null && end === null;
  const hint = FORMATS.find((f) => f.value === format)!.hint;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p = path.trim();
    if (!p || busy || running) return;
    setBusy(true);
    try {
      const r = await api.invoke('jobs.start', { kind: 'import', input: { paths: [p], format, split, followLinks } });
      trackJob(r.jobId, 'import');
      setJobId(r.jobId);
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Import dataset" onClose={onClose} wide>
      <form className="form dataset-form" onSubmit={submit} noValidate>
        <PathField
          label="Folder or file"
          value={path}
          onChange={setPath}
          placeholder={bridge ? '/path/to/dataset' : 'A path on the machine running apprentice serve'}
          testId="dataset-import-path"
          browseLabel="Choose folder…"
          browseTestId="dataset-import-browse"
          pick={() => bridge!.pickFolder()}
        />
        <div className="form-grid">
          <label className="field">
            <span>Format</span>
            <select value={format} onChange={(e) => setFormat(e.target.value as ImportFormat)} data-testid="dataset-import-format">
              {FORMATS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Split</span>
            <select value={split} onChange={(e) => setSplit(e.target.value as ImportSplit)} data-testid="dataset-import-split">
              {SPLITS.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </label>
          <p className="muted small span-2 dataset-hint" data-testid="dataset-import-hint">
            {hint}
          </p>
          <label className="check-line span-2" title="Images outside the chosen folder (symbolic links, ../ paths in the dataset file) are skipped and listed unless this is ticked">
            <input type="checkbox" checked={followLinks} onChange={(e) => setFollowLinks(e.target.checked)} data-testid="dataset-import-follow-links" />
            <span>Follow links: also import images outside this folder</span>
          </label>
        </div>
        <div className="form-actions">
          {/* aria-disabled, not disabled, while it runs: a disabled button drops the focus out of the dialog (and Escape with it). */}
          <button type="submit" className="primary" disabled={!path.trim()} aria-disabled={busy || running} data-testid="dataset-import-start">
            {running ? 'Importing…' : 'Start import'}
          </button>
          <button type="button" onClick={onClose}>
            {running ? 'Close (keeps importing)' : 'Close'}
          </button>
        </div>
      </form>
      {running && <JobBar progress={progress} label="Importing" />}
      {end && <ImportOutcome end={end} />}
    </Modal>
  );
}
