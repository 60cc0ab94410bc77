/**
 * Export one model as ONNX (optionally with preprocessing baked in: uint8 image in, probabilities
 * out) or as a tfjs folder. The written files are checked against the model; the result shows
 * whether they agree, by how much at most, and where they went.
 */
import { useState } from 'react';
import type { ModelDetail } from '../../src/api/types';
import { exportsByModel, startExport } from '../state/exports';
import { appInfo, project } from '../state/project';
import { useStore } from '../state/store';
import { fixed, pct, slug } from './format';

/** Where an export goes unless the user says otherwise: exports/ of the workspace (web) or of the project. */
function defaultOut(m: ModelDetail, format: 'onnx' | 'tfjs', workspace: string | null, projectDir: string | null): string {
  // An imported model is named after its file ("teacher.onnx"): drop that extension, or the ONNX
  // export would default to teacher.onnx.onnx (and the tfjs one to teacher.onnx-tfjs).
  const base = slug(m.name.replace(/\.onnx$/i, ''), 'model');
  const name = `${base}${format === 'onnx' ? '.onnx' : '-tfjs'}`;
  if (workspace) return `exports/${name}`;
  return projectDir ? `${projectDir.replace(/[\\/]+$/, '')}/exports/${name}` : `exports/${name}`;
}

export function ExportPanel({ m }: { m: ModelDetail }) {
  const info = useStore(appInfo);
  const p = useStore(project);
  const all = useStore(exportsByModel);
  const state = all[m.id];
  const [format, setFormat] = useState<'onnx' | 'tfjs'>('onnx');
  const [baked, setBaked] = useState(false);
  const [out, setOut] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = out ?? defaultOut(m, format, info?.workspace ?? null, p?.dir ?? null);
  const running = state?.state === 'running';

  const submit = async () => {
    setBusy(true);
    try {
      await startExport(m.id, { format, out: path.trim(), baked });
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="export-panel" data-testid="export-panel">
      <form
        className="export-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!running && path.trim()) void submit();
        }}
      >
        <label className="inline-field">
          <span>Format</span>
          <select value={format} onChange={(e) => setFormat(e.target.value as 'onnx' | 'tfjs')} data-testid="export-format">
            <option value="onnx">ONNX</option>
            <option value="tfjs">TensorFlow.js</option>
          </select>
        </label>
        <label className="check-line" title="The ONNX model takes uint8 RGB images (NHWC) and returns probabilities: no resizing or normalization code needed beside it">
          <input type="checkbox" checked={baked && format === 'onnx'} disabled={format !== 'onnx'} onChange={(e) => setBaked(e.target.checked)} data-testid="export-baked" />
          <span>Bake preprocessing</span>
        </label>
        <label className="inline-field grow" title={info?.workspace ? `Relative paths are inside ${info.workspace}` : 'A .onnx file, or a folder'}>
          <span>To</span>
          <input type="text" value={path} spellCheck={false} onChange={(e) => setOut(e.target.value)} data-testid="export-out" placeholder="exports/model.onnx" />
        </label>
        <button type="submit" className="primary" disabled={busy || running || !path.trim()} data-testid="export-start">
          {running ? 'Exporting…' : 'Export'}
        </button>
      </form>
      {state && <ExportResult state={state} detector={!!m.metrics?.detection} />}
    </div>
  );
}

function ExportResult({ state, detector }: { state: NonNullable<ReturnType<typeof exportsByModel.get>[string]>; detector: boolean }) {
  if (state.state === 'running') {
    return (
      <div className="export-result muted small" data-testid="export-result" data-state="running">
        Exporting and checking the written model against the original…
      </div>
    );
  }
  if (state.state !== 'done' || !state.result) {
    return (
      <div className="export-result error small" data-testid="export-result" data-state={state.state}>
        {state.state === 'cancelled' ? 'Export cancelled.' : `Export failed: ${state.error ?? 'unknown error'}`}
      </div>
    );
  }
  const r = state.result;
  const checked = r.maxAbsDiff !== null;
  return (
    <div className={`export-result small ${r.verified ? 'ok' : 'error'}`} data-testid="export-result" data-state="done" data-verified={r.verified}>
      <span className="verdict">{r.verified ? '✓ Verified' : checked ? '✗ Not verified' : 'Not verified'}</span>
      {checked && (
        <>
          <span>max abs diff {fixed(r.maxAbsDiff, 6)}</span>
          {/* For a detector the agreement is the share of images with the same boxes after NMS. */}
          <span>
            {detector ? 'same boxes on' : 'top-1 agreement'} {pct(r.top1Agreement)}
          </span>
        </>
      )}
      <span className="muted">
        {r.format === 'onnx' ? 'ONNX' : 'tfjs'} → <code title={r.files.join('\n')}>{r.out}</code>
      </span>
    </div>
  );
}
