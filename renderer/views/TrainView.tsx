/**
 * Train: pick a preset (or open Advanced for every option), press Train, watch the curves while
 * the model learns, cancel and resume, and open the finished model in the Models view.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { AppError } from '../../src/api/errors';
import { ignore } from '../state/toasts';
import { goTab } from '../state/nav';
import { models, refreshModels, showModel } from '../state/models';
import { project, stats } from '../state/project';
import { useStore } from '../state/store';
import {
  applyPreset,
  ARCH_LABELS,
  ARCHITECTURES,
  DEFAULTS,
  fieldOfIssue,
  MODE_LABELS,
  MODES,
  OPTIMIZERS,
  PRESETS,
  SEARCHES,
  setField,
  toInput,
  trainForm,
  type FormKey,
  type PresetName,
  type TrainForm,
} from '../state/trainForm';
import { cancelTraining, startTraining, trainRun, type TrainRun } from '../state/training';
import { eta, pct, rate } from './format';
import { cancelledNote, TrainingCurves } from './TrainingCurves';
import { AugmentPreview } from './AugmentPreview';
import { DetectorTrainPanel } from './DetectorTrainPanel';
import { DetectorRunPanel } from './DetectorRunPanel';
import { detectorRun } from '../state/detectorRun';

export function TrainView() {
  const form = useStore(trainForm);
  const run = useStore(trainRun);
  const task = useStore(project)?.task;
  const detector = useStore(detectorRun);
  const [invalid, setInvalid] = useState<ReadonlySet<FormKey>>(new Set());
  const [busy, setBusy] = useState(false);
  const active = run?.state === 'running' || run?.state === 'starting';

  // The project's models are the backbones on offer.
  useEffect(() => {
    refreshModels().catch(ignore);
  }, []);

  const start = async (resume?: string) => {
    setInvalid(new Set());
    setBusy(true);
    try {
      const input = resume && run?.input ? { ...run.input, resume } : { ...toInput(form), ...(resume ? { resume } : {}) };
      await startTraining(input);
    } catch (err) {
      // The toast said what is wrong; also mark the fields it names.
      if (err instanceof AppError && err.code === 'INVALID_INPUT') setInvalid(invalidFields(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="train-view" data-testid="train-view">
      <aside className="train-settings">
        {/* A detection project's main model finds boxes: its form comes first, the image classifier after. */}
        {task === 'detect' && <DetectorTrainPanel />}
        <h2>{task === 'detect' ? 'Image classifier' : 'Train a model'}</h2>
        <DataSummary />
        <div className="presets" role="group" aria-label="Preset">
          {(Object.keys(PRESETS) as PresetName[]).map((name) => (
            <button
              key={name}
              className={`preset${form.preset === name ? ' active' : ''}`}
              aria-pressed={form.preset === name}
              data-testid={`train-preset-${name}`}
              onClick={() => {
                applyPreset(name);
                setInvalid(new Set());
              }}
            >
              <b>{PRESETS[name].title}</b>
              <span>{PRESETS[name].blurb}</span>
            </button>
          ))}
        </div>
        {form.preset === 'custom' && <p className="muted small custom-note">Custom settings (changed from a preset).</p>}
        <form
          className="train-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!active) void start();
          }}
        >
          <NumberField k="epochs" label="Epochs" hint="Passes over the training images" min={1} max={1000} step={1} invalid={invalid} testId="train-epochs" />
          <details className="advanced">
            <summary data-testid="train-advanced">Advanced</summary>
            <AdvancedFields form={form} invalid={invalid} />
          </details>
          <div className="train-actions">
            <button type="submit" className="primary big" data-testid="train-start" disabled={active || busy}>
              {active ? 'Training…' : 'Train'}
            </button>
          </div>
        </form>
      </aside>
      <section className="train-run">
        {task === 'detect' && <DetectorRunPanel />}
        {/* The classifier's "no training yet" would only crowd a detector's run. */}
        {(run || !(task === 'detect' && detector)) && <RunPanel run={run} onResume={(id) => void start(id)} busy={busy} />}
      </section>
    </div>
  );
}

function invalidFields(err: AppError): Set<FormKey> {
  const out = new Set<FormKey>();
  const issues = (err.details as { issues?: { path: string }[] } | undefined)?.issues ?? [];
  for (const i of issues) {
    const k = fieldOfIssue(i.path);
    if (k) out.add(k);
  }
  if (err.message.startsWith('--augment')) out.add('augment');
  if (err.message.startsWith('--schedule')) out.add('schedule');
  return out;
}

function DataSummary() {
  const s = useStore(stats);
  if (!s) return <p className="muted small">Counting images…</p>;
  const used = s.classes.filter((c) => c.count > 0).length;
  const problems: string[] = [];
  if (used < 2) problems.push('Training needs labeled images of at least two classes.');
  if (s.splits.train === 0) problems.push('There are no images in the train split yet.');
  return (
    <div className="data-summary">
      <p className="muted small">
        {s.labeled.toLocaleString()} labeled images in {used} classes · train {s.splits.train.toLocaleString()} · val {s.splits.val.toLocaleString()} · test{' '}
        {s.splits.test.toLocaleString()}
        {s.splits.val === 0 && s.splits.train >= 10 && <> · 10% of train is held out for validation</>}
      </p>
      {problems.map((p) => (
        <p key={p} className="warn small">
          {p}
        </p>
      ))}
    </div>
  );
}

interface FieldProps {
  k: FormKey;
  label: string;
  hint?: string;
  invalid: ReadonlySet<FormKey>;
  testId?: string;
}

function Field({ k, label, hint, invalid, children }: FieldProps & { children: ReactNode }) {
  return (
    <label className={`tfield${invalid.has(k) ? ' invalid' : ''}`} title={hint}>
      <span>{label}</span>
      {children}
    </label>
  );
}

function NumberField(props: FieldProps & { min?: number; max?: number; step?: number | 'any'; placeholder?: string; disabled?: boolean }) {
  const form = useStore(trainForm);
  const { k, min, max, step = 'any', placeholder, disabled, testId } = props;
  return (
    <Field {...props}>
      <input
        type="number"
        inputMode="decimal"
        value={form[k] as string}
        min={min}
        max={max}
        step={step}
        placeholder={placeholder ?? (DEFAULTS[k] as string)}
        disabled={disabled}
        aria-invalid={props.invalid.has(k) || undefined}
        data-testid={testId ?? `train-${k}`}
        onChange={(e) => setField(k, e.target.value as TrainForm[typeof k])}
      />
    </Field>
  );
}

function TextField(props: FieldProps & { placeholder?: string; list?: string }) {
  const form = useStore(trainForm);
  const { k, placeholder, list, testId } = props;
  return (
    <Field {...props}>
      <input
        type="text"
        value={form[k] as string}
        placeholder={placeholder}
        list={list}
        spellCheck={false}
        aria-invalid={props.invalid.has(k) || undefined}
        data-testid={testId ?? `train-${k}`}
        onChange={(e) => setField(k, e.target.value as TrainForm[typeof k])}
      />
    </Field>
  );
}

function AdvancedFields({ form, invalid }: { form: TrainForm; invalid: ReadonlySet<FormKey> }) {
  return (
    <div className="advanced-grid">
      <Field k="arch" label="Architecture" hint="Automatic picks one that suits the image size" invalid={invalid}>
        <select value={form.arch} data-testid="train-arch" onChange={(e) => setField('arch', e.target.value as TrainForm['arch'])}>
          <option value="">Automatic</option>
          {ARCHITECTURES.map((a) => (
            <option key={a} value={a}>
              {ARCH_LABELS[a]}
            </option>
          ))}
        </select>
      </Field>
      <NumberField k="batchSize" label="Batch size" hint="Images per training step" min={1} max={4096} step={1} invalid={invalid} testId="train-batch-size" />
      <NumberField k="learningRate" label="Learning rate" hint="Step size of the optimizer" min={0} max={10} invalid={invalid} testId="train-learning-rate" />
      <Field k="optimizer" label="Optimizer" invalid={invalid}>
        <select value={form.optimizer} data-testid="train-optimizer" onChange={(e) => setField('optimizer', e.target.value as TrainForm['optimizer'])}>
          {OPTIMIZERS.map((o) => (
            <option key={o} value={o}>
              {o === 'sgd' ? 'SGD' : o === 'rmsprop' ? 'RMSprop' : o === 'adagrad' ? 'Adagrad' : o.charAt(0).toUpperCase() + o.slice(1)}
            </option>
          ))}
        </select>
      </Field>
      <TextField k="schedule" label="Schedule" hint="constant, cosine[:MIN_FACTOR] or step:EVERY:GAMMA" placeholder="constant" list="train-schedules" invalid={invalid} />
      <datalist id="train-schedules">
        <option value="constant" />
        <option value="cosine" />
        <option value="step:10:0.1" />
      </datalist>
      <NumberField k="earlyStop" label="Early stop patience" hint="Stop after this many epochs without a better validation score; empty is off" min={1} max={1000} step={1} placeholder="off" invalid={invalid} testId="train-early-stop" />
      <div className="span-2">
        <TextField
          k="augment"
          label="Augmentation"
          hint="Comma-separated: flip[:P], crop[:MIN_SCALE], rotate[:DEGREES], color[:BRIGHTNESS], affine, cutmix, randaugment"
          placeholder="none (e.g. flip,crop:0.8,rotate:10)"
          invalid={invalid}
        />
        <AugmentPreview augment={form.augment} />
      </div>
      <NumberField k="dropout" label="Dropout" hint="0 to 0.9" min={0} max={0.9} step={0.05} invalid={invalid} />
      <NumberField k="widthMultiplier" label="Width multiplier" hint="Scales the number of filters (0.1 to 4)" min={0.1} max={4} step={0.25} invalid={invalid} testId="train-width" />
      <Field k="init" label="Weight init" invalid={invalid}>
        <select value={form.init} data-testid="train-init" onChange={(e) => setField('init', e.target.value as TrainForm['init'])}>
          <option value="he">He</option>
          <option value="xavier">Xavier</option>
        </select>
      </Field>
      <NumberField k="seed" label="Seed" hint="Same seed, same data, same result" min={0} step={1} invalid={invalid} />
      <NumberField k="kfold" label="K-fold" hint="Cross-validate with K folds before the final training; empty is off" min={2} max={20} step={1} placeholder="off" invalid={invalid} />
      <Field k="search" label="Hyperparameter search" hint="Tries learning rate, batch size, optimizer and augmentation strength" invalid={invalid}>
        <select value={form.search} data-testid="train-search" onChange={(e) => setField('search', e.target.value as TrainForm['search'])}>
          <option value="">Off</option>
          {SEARCHES.map((s) => (
            <option key={s} value={s}>
              {s === 'bayes' ? 'Bayesian' : s.charAt(0).toUpperCase() + s.slice(1)}
            </option>
          ))}
        </select>
      </Field>
      <NumberField k="trials" label="Trials" hint="How many settings the search tries" min={1} max={200} step={1} disabled={!form.search} invalid={invalid} />
      <TransferFields form={form} invalid={invalid} />
      <DistillFields form={form} invalid={invalid} />
    </div>
  );
}

/** Distillation: a teacher's reviewed soft labels join the human labels (see also Review → Rounds). */
function DistillFields({ form, invalid }: { form: TrainForm; invalid: ReadonlySet<FormKey> }) {
  const list = useStore(models) ?? [];
  const off = !form.teacher;
  return (
    <>
      <div className="span-2">
        <Field k="teacher" label="Teacher (distillation)" hint="Also learn from this model's accepted and corrected pseudo-labels, matching its soft labels" invalid={invalid}>
          <select value={form.teacher} data-testid="train-teacher" onChange={(e) => setField('teacher', e.target.value)}>
            <option value="">None</option>
            {list.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} · {pct(m.metrics?.accuracy)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <NumberField k="alpha" label="α (soft weight)" hint="α·T²·KL + (1−α)·CE" min={0} max={1} step={0.1} disabled={off} invalid={invalid} />
      <NumberField k="temperature" label="Temperature" hint="The one used when pseudo-labeling; empty: as stored" min={0.1} max={100} step={0.5} placeholder="as pseudo-labeled" disabled={off} invalid={invalid} />
      <NumberField k="pendingAbove" label="Pending at or above" hint="Also train on pending pseudo-labels at or above this confidence; empty: reviewed ones only" min={0} max={1} step={0.05} placeholder="off" disabled={off} invalid={invalid} testId="train-pending-above" />
    </>
  );
}

/** Transfer learning: start from a pretrained backbone (a model of this project, a zoo entry or a tfjs model). */
function TransferFields({ form, invalid }: { form: TrainForm; invalid: ReadonlySet<FormKey> }) {
  const list = useStore(models) ?? [];
  const scratch = form.mode === 'scratch';
  return (
    <>
      <Field k="mode" label="Start from" hint="Train a new network, or reuse a pretrained backbone" invalid={invalid}>
        <select value={form.mode} data-testid="train-mode" onChange={(e) => setField('mode', e.target.value as TrainForm['mode'])}>
          {MODES.map((m) => (
            <option key={m} value={m}>
              {MODE_LABELS[m]}
            </option>
          ))}
        </select>
      </Field>
      <NumberField
        k="backboneLrFactor"
        label="Backbone LR factor"
        hint="In fine-tune mode the backbone learns at this fraction of the learning rate"
        min={0}
        max={1}
        step={0.05}
        disabled={form.mode !== 'finetune'}
        invalid={invalid}
        testId="train-backbone-lr"
      />
      <div className="span-2">
        <Field k="backbone" label="Backbone" hint="A model of this project, zoo:NAME, or the path of a tfjs model.json" invalid={invalid}>
          <input
            type="text"
            value={form.backbone}
            list="train-backbones"
            placeholder={scratch ? 'not used when training from scratch' : 'model id, zoo:NAME or model.json path'}
            disabled={scratch}
            spellCheck={false}
            aria-invalid={invalid.has('backbone') || undefined}
            data-testid="train-backbone"
            onChange={(e) => setField('backbone', e.target.value)}
          />
        </Field>
        <datalist id="train-backbones">
          {list.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </datalist>
      </div>
    </>
  );
}

/** Epochs a stopped run finished: the count its error carries (the curve may miss throttled ones), else the curve's. */
function epochsDone(run: TrainRun): number {
  const d = run.error?.details as { epochs?: unknown } | undefined;
  return typeof d?.epochs === 'number' ? d.epochs : run.points.length;
}

/**
 * A cancelled run in the studio's words: the core's message is the CLI's ("resume it with
 * --resume run-…"), while here the Resume button beside it does that.
 */
function cancelledMessage(run: TrainRun, epochs: number): string {
  const done = `${cancelledNote(epochsDone(run), epochs)}.`;
  return run.runId ? `${done} Resume continues this run from its last checkpoint.` : `${done} It stopped before its first checkpoint, so there is nothing to resume.`;
}

function phaseLabel(run: TrainRun): string {
  if (run.cancelling) return 'cancelling';
  if (run.state === 'starting') return 'starting';
  return run.phase === 'epoch' ? 'training' : run.phase;
}

function RunPanel({ run, onResume, busy }: { run: TrainRun | null; onResume(runId: string): void; busy: boolean }) {
  if (!run) {
    return (
      <div className="run-empty">
        <h3>No training yet</h3>
        <p className="muted">Pick a preset and press Train. Loss and accuracy appear here, epoch by epoch, while the model learns.</p>
      </div>
    );
  }
  const active = run.state === 'running' || run.state === 'starting';
  const epochs = run.epochs ?? run.input?.epochs ?? 10;
  const frac = run.total > 0 ? Math.min(1, run.step / run.total) : null;
  return (
    <>
      {active && (
        <div className="card run-status" data-testid="train-status" data-phase={run.phase}>
          <div className="run-line">{run.message ?? 'Preparing the training run…'}</div>
          <div className="run-facts">
            <Fact label="Phase" value={phaseLabel(run)} />
            <Fact label="Epoch" value={run.epoch !== null ? `${run.epoch} / ${epochs}` : `— / ${epochs}`} testId="train-epoch" />
            <Fact label="Images/s" value={rate(run.imagesPerSecond)} />
            <Fact label="Time left" value={eta(run.etaS)} />
            <span className="grow" />
            <button data-testid="train-cancel" onClick={() => cancelTraining().catch(ignore)} disabled={!run.jobId || run.cancelling}>
              {run.cancelling ? 'Cancelling…' : 'Cancel'}
            </button>
          </div>
          <div className={`progress${frac === null ? ' indeterminate' : ''}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={frac === null ? undefined : Math.round(frac * 100)}>
            <div className="progress-fill" style={frac === null ? undefined : { width: `${frac * 100}%` }} />
          </div>
        </div>
      )}
      {run.state === 'done' && run.result && <DoneCard run={run} />}
      {(run.state === 'cancelled' || run.state === 'failed') && (
        <div className={`card run-message ${run.state}`} data-testid="train-message" data-state={run.state}>
          <div>
            <b>{run.state === 'cancelled' ? 'Training cancelled' : 'Training failed'}</b>
            <p>{run.state === 'cancelled' ? cancelledMessage(run, epochs) : (run.error?.message ?? 'The training run stopped.')}</p>
          </div>
          {run.state === 'cancelled' && run.runId && (
            <button className="primary" data-testid="train-resume" disabled={busy} onClick={() => onResume(run.runId!)} title={`Continue ${run.runId} from its last checkpoint`}>
              Resume
            </button>
          )}
        </div>
      )}
      <TrainingCurves
        points={run.points}
        batchLoss={run.batchLoss}
        epochs={epochs}
        testId="train-curve"
        height={230}
        stopped={run.state === 'cancelled' ? cancelledNote(epochsDone(run), epochs) : undefined}
      />
    </>
  );
}

function Fact({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <span className="fact">
      <span className="fact-label">{label}</span>
      <span className="fact-value" data-testid={testId}>
        {value}
      </span>
    </span>
  );
}

function DoneCard({ run }: { run: TrainRun }) {
  const r = run.result!;
  const open = () => {
    showModel(r.modelId);
    goTab('models');
  };
  return (
    <div className="card run-done" data-testid="train-done" data-model-id={r.modelId}>
      <div className="done-score">
        <span className="big-number" data-testid="train-done-accuracy">
          {pct(r.metrics.accuracy)}
        </span>
        <span className="muted">{r.metrics.split} accuracy</span>
      </div>
      <div className="done-facts">
        <div>
          Model <code>{r.modelId}</code>
        </div>
        <div className="muted small">
          {r.epochs} epoch{r.epochs === 1 ? '' : 's'}
          {r.stoppedEarly ? ' (stopped early)' : ''} · <span title={`batch loop ${rate(r.imagesPerSecond)} images/s`}>{rate(r.wallImagesPerSecond)} images/s</span> · {r.backend}
          {r.metrics.topK && r.metrics.topK.k > 1 ? ` · top-${r.metrics.topK.k} ${pct(r.metrics.topK.accuracy)}` : ''}
          {r.metrics.kfold ? ` · ${r.metrics.kfold.k}-fold ${pct(r.metrics.kfold.mean)} ± ${pct(r.metrics.kfold.std)}` : ''}
        </div>
      </div>
      <span className="grow" />
      <button className="primary" data-testid="train-open-model" onClick={open}>
        Open in Models
      </button>
    </div>
  );
}
