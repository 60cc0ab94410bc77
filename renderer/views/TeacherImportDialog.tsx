/**
 * "Import teacher…": bring an ONNX classifier (or YOLO-style detector) into the project as a
 * teacher. Its preprocessing comes from a sidecar `<model>.json`, its ONNX metadata or its input
 * shape; "Advanced preprocessing" overrides any of it. The result stays in the dialog: what was
 * imported (input, layout, classes) and which project class each of its classes labels, by name;
 * a refused model shows why. The new model becomes the Review view's teacher.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ModelDetail, ModelInfo } from '../../src/api/types';
import type { MethodInput } from '../../src/api/methods';
import { importTeacher, modelDetail, showModel } from '../state/models';
import { goTab } from '../state/nav';
import { desktop, pickFile as pickNativeFile } from '../state/platform';
import { appInfo, classes } from '../state/project';
import { reviewTeacher } from '../state/review';
import { useStore } from '../state/store';
import { DialogActions } from './common/DialogActions';
import { JobBar } from './common/JobBar';
import { Modal } from './Modal';
import { PathField } from './PathField';

type Spec = NonNullable<MethodInput<'teachers.import'>['spec']>;

interface SpecForm {
  inputSize: string;
  channels: '' | '1' | '3';
  layout: '' | 'nchw' | 'nhwc';
  scale: string;
  mean: string;
  std: string;
  classes: string;
  scoreThreshold: string;
  iouThreshold: string;
}

const EMPTY: SpecForm = { inputSize: '', channels: '', layout: '', scale: '', mean: '', std: '', classes: '', scoreThreshold: '', iouThreshold: '' };

/**
 * The sidecar file the import reads for a model path: `<model>.json` beside `<model>.onnx`, as
 * src/inference/onnx-spec.ts sidecarPath makes it; the pattern itself until a file is given.
 */
function sidecarName(path: string): string {
  const file = path.trim().split(/[\\/]/).pop() ?? '';
  return file ? `${file.replace(/\.onnx$/i, '')}.json` : '<model>.json';
}

/** How many teacher classes the result lists by name before it counts the rest. */
const SHOW_CLASSES = 8;

function numbers(text: string, what: string): number[] {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const out = parts.map(Number);
  if (out.some((n) => !Number.isFinite(n))) throw new Error(`${what}: numbers separated by commas, e.g. 0.485, 0.456, 0.406.`);
  return out;
}

function fraction(text: string, what: string): number {
  const m = /^\s*([\d.e+-]+)\s*(?:\/\s*([\d.e+-]+)\s*)?$/i.exec(text);
  const n = m ? Number(m[1]) / (m[2] !== undefined ? Number(m[2]) : 1) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what}: a positive number, e.g. 0.00392 or 1/255.`);
  return n;
}

function unit(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${what}: a number from 0 to 1.`);
  return n;
}

/** The overrides that were filled in (none: undefined, so the model's own settings apply). Throws a message for a malformed field. */
export function specFromForm(f: SpecForm): Spec | undefined {
  const spec: Spec = {};
  if (f.inputSize.trim()) {
    const m = /^\s*(\d+)\s*[x×*,]\s*(\d+)\s*$/i.exec(f.inputSize);
    if (!m) throw new Error('Input size: width x height, e.g. 224x224.');
    spec.inputSize = `${Number(m[1])}x${Number(m[2])}`;
  }
  if (f.channels) spec.channels = Number(f.channels) as 1 | 3;
  if (f.layout) spec.layout = f.layout;
  if (f.scale.trim()) spec.scale = fraction(f.scale, 'Scale');
  if (f.mean.trim()) spec.mean = numbers(f.mean, 'Mean');
  if (f.std.trim()) spec.std = numbers(f.std, 'Std');
  if (f.classes.trim()) spec.classes = f.classes.split(/\r?\n|,/).map((s) => s.trim()).filter(Boolean);
  if (f.scoreThreshold.trim()) spec.scoreThreshold = unit(f.scoreThreshold, 'Score threshold');
  if (f.iouThreshold.trim()) spec.iouThreshold = unit(f.iouThreshold, 'IoU threshold');
  return Object.keys(spec).length ? spec : undefined;
}

/**
 * The button that opens the dialog (data-testid teacher-import-open). It keeps the dialog itself
 * unless `onOpen` is given: then the caller renders the dialog, e.g. where the button may unmount
 * once the import succeeded.
 */
export function TeacherImportButton({ className, children, onOpen }: { className?: string; children?: ReactNode; onOpen?(): void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={className}
        onClick={() => (onOpen ? onOpen() : setOpen(true))}
        title="Import an ONNX model as a teacher that pseudo-labels the images"
        data-testid="teacher-import-open"
      >
        {children ?? 'Import teacher…'}
      </button>
      {open && <TeacherImportDialog onClose={() => setOpen(false)} />}
    </>
  );
}

export function TeacherImportDialog({ onClose }: { onClose(): void }) {
  const info = useStore(appInfo);
  const [path, setPath] = useState('');
  const [form, setForm] = useState<SpecForm>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ model: ModelInfo; detail: ModelDetail | null } | null>(null);
  const set = (k: keyof SpecForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const overrides = Object.values(form).filter((v) => v.trim() !== '').length;
  const workspace = info?.workspace ?? null;
  const outcome = useRef<HTMLDivElement>(null);

  // The verdict sits under the form (and the open Advanced section): bring it into view.
  useEffect(() => {
    if (error || done) outcome.current?.scrollIntoView?.({ block: 'nearest' });
  }, [error, done]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = path.trim();
    if (!file || busy) return;
    let spec: Spec | undefined;
    try {
      spec = specFromForm(form);
    } catch (err) {
      setError((err as Error).message);
      return;
    }
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const model = await importTeacher(spec ? { file, spec } : { file });
      reviewTeacher.set(model.id);
      showModel(model.id);
      const detail = await modelDetail(model.id).catch(() => null);
      setDone({ model, detail });
    } catch (err) {
      setError((err as Error).message || 'The model could not be imported.');
    } finally {
      setBusy(false);
    }
  };

  /** A picked file starts afresh: the last refusal was about another one. */
  const pickFile = async () => {
    const file = await pickNativeFile([{ name: 'ONNX models', extensions: ['onnx'] }]);
    if (file) setError(null);
    return file;
  };

  return (
    <Modal title="Import ONNX teacher" onClose={onClose} wide>
      <form className="form dataset-form teacher-form" onSubmit={submit} noValidate>
        <PathField
          label="ONNX model file"
          value={path}
          onChange={setPath}
          placeholder={desktop ? '/path/to/model.onnx' : workspace ? `A .onnx file inside ${workspace}` : 'A path on the machine running apprentice serve'}
          testId="teacher-import-path"
          browseLabel="Choose file…"
          browseTestId="teacher-import-browse"
          pick={pickFile}
        />
        <p className="muted small dataset-hint">
          {!desktop && workspace && (
            <>
              The file must be inside the studio's folder <code>{workspace}</code> (a relative path starts there).{' '}
            </>
          )}
          An image classifier or a YOLOv5/v8 detector. How images are fed to it is read from a sidecar <code data-testid="teacher-import-sidecar">{sidecarName(path)}</code> beside it, its ONNX metadata, or its input shape (pixels scaled
          by 1/255); its class names from the same places.
        </p>
        <details className="advanced" data-testid="teacher-import-advanced">
          <summary>Advanced preprocessing{overrides ? ` (${overrides} set)` : ''}</summary>
          <div className="advanced-grid">
            <p className="muted small span-2 dataset-hint">Only what you fill in here replaces what the model says; empty fields keep it.</p>
            <label className="tfield" title="The size the images are resized to, width x height">
              <span>Input size</span>
              <input value={form.inputSize} onChange={set('inputSize')} placeholder="from the model, e.g. 224x224" spellCheck={false} data-testid="teacher-spec-input-size" />
            </label>
            <label className="tfield">
              <span>Channels</span>
              <select value={form.channels} onChange={set('channels')} data-testid="teacher-spec-channels">
                <option value="">from the model</option>
                <option value="1">1 (gray)</option>
                <option value="3">3 (RGB)</option>
              </select>
            </label>
            <label className="tfield" title="Where the channel axis is in the input tensor">
              <span>Layout</span>
              <select value={form.layout} onChange={set('layout')} data-testid="teacher-spec-layout">
                <option value="">from the model</option>
                <option value="nchw">NCHW (channels first)</option>
                <option value="nhwc">NHWC (channels last)</option>
              </select>
            </label>
            <label className="tfield" title="Pixels 0..255 are multiplied by this, then (x - mean) / std per channel">
              <span>Scale</span>
              <input value={form.scale} onChange={set('scale')} placeholder="1/255" spellCheck={false} data-testid="teacher-spec-scale" />
            </label>
            <label className="tfield" title="One number per channel, subtracted after scaling">
              <span>Mean</span>
              <input value={form.mean} onChange={set('mean')} placeholder="0 (e.g. 0.485, 0.456, 0.406)" spellCheck={false} data-testid="teacher-spec-mean" />
            </label>
            <label className="tfield" title="One number per channel, divided by after subtracting the mean">
              <span>Std</span>
              <input value={form.std} onChange={set('std')} placeholder="1 (e.g. 0.229, 0.224, 0.225)" spellCheck={false} data-testid="teacher-spec-std" />
            </label>
            <label className="tfield span-2" title="The model's class names in the order of its outputs">
              <span>Class names</span>
              <textarea value={form.classes} onChange={set('classes')} rows={2} placeholder="from the model, else class_0, class_1, … (one per line or comma-separated)" spellCheck={false} data-testid="teacher-spec-classes" />
            </label>
            <label className="tfield" title="Detectors only: boxes scoring below this are dropped">
              <span>Score threshold (detectors)</span>
              <input type="number" min={0} max={1} step={0.05} value={form.scoreThreshold} onChange={set('scoreThreshold')} placeholder="0.25" data-testid="teacher-spec-score-threshold" />
            </label>
            <label className="tfield" title="Detectors only: a box overlapping a better one of its class by more than this is dropped">
              <span>IoU threshold (detectors)</span>
              <input type="number" min={0} max={1} step={0.05} value={form.iouThreshold} onChange={set('iouThreshold')} placeholder="0.45" data-testid="teacher-spec-iou-threshold" />
            </label>
          </div>
        </details>
        <DialogActions submitLabel={busy ? 'Importing…' : 'Import'} disabled={!path.trim()} busy={busy} testId="teacher-import-start" closeLabel={done ? 'Done' : 'Close'} onClose={onClose} />
      </form>
      {busy && <JobBar progress={null} label="Loading the model to check it" />}
      <div ref={outcome} className="teacher-outcome">
        {error && (
          <div className="export-result error small" role="alert" data-testid="teacher-import-error">
            <span className="verdict">Not imported</span>
            <span>{error}</span>
          </div>
        )}
        {done && <Imported model={done.model} detail={done.detail} onClose={onClose} />}
      </div>
    </Modal>
  );
}

function Imported({ model, detail, onClose }: { model: ModelInfo; detail: ModelDetail | null; onClose(): void }) {
  const project = useStore(classes);
  const byName = new Map(project.map((c) => [c.name.toLowerCase(), c.name]));
  // The core's map (by name, case-insensitive unless someone changed it), else the same rule here.
  const target = (t: string): string | null => (detail?.classMap ? (detail.classMap[t] ?? null) : (byName.get(t.toLowerCase()) ?? null));
  const rows = model.classes.map((t) => ({ t, to: target(t) }));
  const mapped = rows.filter((r) => r.to !== null);
  const ignored = rows.filter((r) => r.to === null);
  const input = detail?.input;
  const onnx = detail?.onnx;
  const shown = model.classes.slice(0, SHOW_CLASSES);

  return (
    <div className="export-result ok small teacher-result" data-testid="teacher-import-result" data-model-id={model.id}>
      <div className="teacher-result-head">
        <span className="verdict">✓ Imported</span>
        <b data-testid="teacher-import-name">{model.name}</b>
        <span className="muted">now the teacher in Review</span>
      </div>
      <dl className="teacher-facts">
        <dt>Input</dt>
        <dd data-testid="teacher-import-input">
          {input ? `${input.width}×${input.height}` : '—'}
          {input && ` · ${input.channels === 1 ? '1 channel (gray)' : `${input.channels} channels (RGB)`}`}
          {onnx && ` · ${onnx.layout.toUpperCase()}`}
          {onnx && (onnx.uint8 ? ' · uint8 pixels' : ` · scale ${scaleText(onnx.scale)}`)}
          {onnx && onnx.mean.some((v) => v !== 0) && ` · mean ${onnx.mean.join(', ')}`}
          {onnx && onnx.std.some((v) => v !== 1) && ` · std ${onnx.std.join(', ')}`}
        </dd>
        {onnx?.detector && (
          <>
            <dt>Detector</dt>
            <dd>
              YOLO{onnx.detector.yolo} · score ≥ {onnx.detector.scoreThreshold} · IoU {onnx.detector.iouThreshold}
            </dd>
          </>
        )}
        <dt>Classes</dt>
        <dd data-testid="teacher-import-classes">
          {model.classes.length.toLocaleString()}: {shown.join(', ')}
          {model.classes.length > shown.length && `, … (${(model.classes.length - shown.length).toLocaleString()} more)`}
        </dd>
        <dt>Labels</dt>
        <dd>
          <ul className="teacher-map" data-testid="teacher-import-map">
            {mapped.slice(0, SHOW_CLASSES).map((r) => (
              <li key={r.t} data-teacher-class={r.t} data-project-class={r.to}>
                <span>{r.t}</span> → <b>{r.to}</b>
              </li>
            ))}
            {mapped.length > SHOW_CLASSES && <li className="muted">… and {(mapped.length - SHOW_CLASSES).toLocaleString()} more</li>}
            {ignored.slice(0, SHOW_CLASSES).map((r) => (
              <li key={r.t} className="muted" data-teacher-class={r.t} data-project-class="">
                <span>{r.t}</span> → ignored
              </li>
            ))}
            {ignored.length > SHOW_CLASSES && <li className="muted">… and {(ignored.length - SHOW_CLASSES).toLocaleString()} more ignored</li>}
          </ul>
        </dd>
      </dl>
      {mapped.length === 0 && (
        <p className="warn teacher-result-note">None of its classes has the name of a project class, so all its labels would be dropped: set which class each one labels in the Models view first.</p>
      )}
      <p className="muted teacher-result-note">
        Teacher classes map to project classes by name (case-insensitive); the others are ignored. You can change the mapping in{' '}
        <button
          type="button"
          className="link"
          onClick={() => {
            showModel(model.id);
            goTab('models');
            onClose();
          }}
          data-testid="teacher-import-edit-map"
        >
          the Models view
        </button>
        .
      </p>
    </div>
  );
}

function scaleText(s: number): string {
  const inv = 1 / s;
  return Math.abs(inv - Math.round(inv)) < 1e-6 && inv > 1 ? `1/${Math.round(inv)}` : String(Number(s.toPrecision(4)));
}
