/**
 * "Export dataset…": the project's images and labels written as COCO, YOLO, Pascal VOC,
 * ImageFolder or CSV, with the images copied beside them. Which labels go out is chosen by
 * source: human labels and accepted or corrected pseudo-labels by default; pending and rejected
 * pseudo-labels only when asked for. The result says where it went and how much was written.
 */
import { useState, type FormEvent } from 'react';
import { exportFormatOptions, type ExportFormat } from '../../src/api/formats';
import type { IncludeSource } from '../../src/api/schemas';
import type { ExportResult } from '../../src/api/types';
import { useDialogJob, type JobEnd } from '../state/jobs';
import { appInfo, project } from '../state/project';
import { useStore } from '../state/store';
import { ChoiceField } from './common/ChoiceField';
import { DialogActions } from './common/DialogActions';
import { JobBar } from './common/JobBar';
import { JobFailure } from './common/JobFailure';
import { RejectedList } from './common/RejectedList';
import { slug } from './format';
import { Modal } from './Modal';

type Format = ExportFormat;
type Source = IncludeSource;

const FORMATS = exportFormatOptions;

const SOURCES: { value: Source; label: string }[] = [
  { value: 'human', label: 'Human labels' },
  { value: 'accepted', label: 'Accepted pseudo-labels' },
  { value: 'corrected', label: 'Corrected pseudo-labels' },
  { value: 'pending', label: 'Pending pseudo-labels' },
  { value: 'rejected', label: 'Rejected pseudo-labels' },
];

/** exports/<project>-<format> of the workspace (web) or of the project; CSV names a file in that folder. */
function defaultOut(name: string, format: Format, workspace: string | null, projectDir: string | null): string {
  const rel = `exports/${slug(name, 'dataset')}-${format}${format === 'csv' ? '/labels.csv' : ''}`;
  if (workspace || !projectDir) return rel;
  return `${projectDir.replace(/[\\/]+$/, '')}/${rel}`;
}

function ExportOutcome({ end }: { end: JobEnd }) {
  if (end.state !== 'done' || !end.result) return <JobFailure end={end} testId="dataset-export-result" cancelled="Export cancelled." failed="Export failed" />;
  const r = end.result as ExportResult;
  const listed = (notes: ExportResult['skipped'] | undefined) => (notes ?? []).map((s) => ({ file: s.file, where: s.where || null, reason: s.reason }));
  const skipped = listed(r.skipped);
  const converted = listed(r.converted);
  return (
    <>
      <div className="export-result ok small" data-testid="dataset-export-result" data-state="done">
        <span className="verdict">✓ Exported</span>
        <span>{r.images.toLocaleString()} images</span>
        <span>{r.annotations.toLocaleString()} annotations</span>
        <span className="muted">
          → <code>{r.out}</code>
        </span>
      </div>
      <RejectedList items={converted} testid="dataset-export-converted" verb="Converted" />
      <RejectedList items={skipped} testid="dataset-export-skipped" />
    </>
  );
}

export function DatasetExportDialog({ onClose }: { onClose(): void }) {
  const info = useStore(appInfo);
  const p = useStore(project);
  const [format, setFormat] = useState<Format>('coco');
  const [out, setOut] = useState<string | null>(null);
  const [include, setInclude] = useState<Source[]>(['human', 'accepted', 'corrected']);
  const { busy, running, progress, end, start } = useDialogJob();
  const path = out ?? defaultOut(p?.name ?? 'dataset', format, info?.workspace ?? null, p?.dir ?? null);

  const toggle = (s: Source, on: boolean) => setInclude((list) => (on ? SOURCES.map((x) => x.value).filter((v) => v === s || list.includes(v)) : list.filter((v) => v !== s)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || running || !path.trim() || !include.length) return;
    await start({ kind: 'export', input: { format, out: path.trim(), include } });
  };

  return (
    <Modal title="Export dataset" onClose={onClose} wide>
      <form className="form dataset-form" onSubmit={submit} noValidate>
        <div className="form-grid">
          <ChoiceField label="Format" value={format} options={FORMATS} onChange={setFormat} testId="dataset-format" autoFocus />
          <label className="field" title={info?.workspace ? `Relative paths are inside ${info.workspace}` : 'A folder (a .csv file for CSV)'}>
            <span>To</span>
            <input type="text" value={path} spellCheck={false} onChange={(e) => setOut(e.target.value)} data-testid="dataset-out" />
          </label>
          <p className="muted small span-2 dataset-hint">{FORMATS.find((f) => f.value === format)!.hint}</p>
        </div>
        <fieldset className="field">
          <legend>Labels to export</legend>
          <div className="dataset-sources">
            {SOURCES.map((s) => (
              <label key={s.value} className="check-line">
                <input type="checkbox" checked={include.includes(s.value)} onChange={(e) => toggle(s.value, e.target.checked)} data-testid={`dataset-include-${s.value}`} />
                <span>{s.label}</span>
              </label>
            ))}
          </div>
          <p className="muted small dataset-hint">Pending pseudo-labels are never exported unless you ask.</p>
        </fieldset>
        <DialogActions
          submitLabel={running ? 'Exporting…' : 'Export'}
          disabled={!path.trim() || !include.length}
          busy={busy || running}
          testId="dataset-export-start"
          closeLabel="Close"
          onClose={onClose}
        />
      </form>
      {running && <JobBar progress={progress} label="Exporting" />}
      {end && <ExportOutcome end={end} />}
    </Modal>
  );
}
