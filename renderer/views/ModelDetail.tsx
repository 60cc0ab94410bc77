/**
 * One model in detail: headline numbers, per-class precision/recall/F1, the confusion matrix,
 * the training curves, the options it was trained with, k-fold and search results when there
 * are some, and the test images it got wrong (a click opens them for relabeling).
 */
import { useEffect, useState } from 'react';
import type { ModelDetail as Detail } from '../../src/api/types';
import { mediaUrl } from '../api/media';
import { currentClassMap, setTeacherClassMap, useModelDetail } from '../state/models';
import { openReview } from '../state/nav';
import { classes as projectClasses } from '../state/project';
import { useStore } from '../state/store';
import { ignore } from '../state/toasts';
import { ConfusionMatrix } from './ConfusionMatrix';
import { ExportPanel } from './ExportPanel';
import { count, duration, fixed, optionValue, pct, rate, when } from './format';
import { TrainingCurves } from './TrainingCurves';

/** Option keys in the order people read them, with their names. */
export const OPTION_LABELS: Record<string, string> = {
  arch: 'Architecture',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  learningRate: 'Learning rate',
  optimizer: 'Optimizer',
  schedule: 'Schedule',
  augment: 'Augmentation',
  earlyStop: 'Early stop patience',
  dropout: 'Dropout',
  widthMultiplier: 'Width multiplier',
  init: 'Weight init',
  seed: 'Seed',
  kfold: 'K-fold',
  search: 'Search',
  trials: 'Trials',
  mode: 'Start from',
  backbone: 'Backbone',
  backboneLrFactor: 'Backbone LR factor',
  augmentStrength: 'Augmentation strength',
  teacher: 'Teacher',
  alpha: 'α (soft weight)',
  temperature: 'Temperature',
  pendingAbove: 'Pending at or above',
  resume: 'Run',
};

export function optionEntries(options: Record<string, unknown>): [string, unknown][] {
  const order = Object.keys(OPTION_LABELS);
  return Object.entries(options).sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
}

export function ModelDetailPanel({ id }: { id: string }) {
  const m = useModelDetail(id);
  if (!m) {
    return (
      <section className="model-detail loading" data-testid="model-detail-loading">
        <p className="muted">Loading the model…</p>
      </section>
    );
  }
  return <DetailBody m={m} />;
}

function DetailBody({ m }: { m: Detail }) {
  const metrics = m.metrics;
  const epochs = m.history.length;
  const macroF1 = metrics && metrics.perClass.length ? metrics.perClass.reduce((a, c) => a + c.f1, 0) / metrics.perClass.length : null;
  return (
    <section className="model-detail" data-testid="model-detail" data-model-id={m.id}>
      <header className="detail-head">
        <div className="detail-title">
          <h2>{m.name}</h2>
          <div className="muted small">
            <code>{m.id}</code> · {m.arch} · {m.kind} · {when(m.createdAt)}
            {m.input.width > 0 && ` · ${m.input.width}×${m.input.height}×${m.input.channels} input`}
          </div>
        </div>
        <div className="detail-stats">
          {/* A detector's headline number is its mAP@0.5 (kept in `accuracy` so lists sort and compare it). */}
          <Stat label={`${metrics?.split ?? 'test'} ${metrics?.detection ? 'mAP@0.5' : 'accuracy'}`} value={pct(metrics?.accuracy)} big testId="model-detail-accuracy" />
          {metrics?.topK && metrics.topK.k > 1 && <Stat label={`top-${metrics.topK.k}`} value={pct(metrics.topK.accuracy)} />}
          <Stat label="macro F1" value={macroF1 === null ? '—' : fixed(macroF1, 3)} />
          <Stat label="loss" value={fixed(metrics?.loss, 4)} />
          <Stat label="epochs" value={epochs ? String(epochs) : '—'} />
          <Stat label="training time" value={duration(m.trainingSeconds)} />
          <Stat label="images/s" value={rate(m.wallImagesPerSecond)} />
          <Stat label="batch loop images/s" value={rate(m.imagesPerSecond)} />
          <Stat label="parameters" value={count(m.params)} />
        </div>
        {m.backend && (
          // An imported model was trained elsewhere: its backend is only what runs it here.
          <div className="muted small" data-testid="model-detail-backend">
            {m.kind === 'imported' ? `Imported ONNX model, runs on ${m.backend}` : `Trained on ${m.backend}`}
          </div>
        )}
      </header>

      <div className="detail-grid">
        <div className="card span-2">
          <h3>Export</h3>
          <ExportPanel m={m} />
        </div>
        {m.kind === 'imported' && (
          <div className="card span-2" data-testid="teacher-card">
            <h3>{m.onnx?.detector ? 'Detector teacher' : 'Teacher'}</h3>
            <TeacherSpec m={m} />
            <ClassMapTable m={m} />
          </div>
        )}
        <div className="card">
          <h3>Per class</h3>
          {metrics ? <PerClassTable m={m} /> : <p className="muted">No evaluation was recorded.</p>}
        </div>
        <div className="card">
          <h3>Confusion matrix</h3>
          <ConfusionMatrix classes={m.classes} confusion={m.confusion} />
        </div>
        <div className="card span-2">
          <h3>Training curves</h3>
          {m.history.length ? (
            <TrainingCurves points={m.history} epochs={epochs} testId="model-curve" height={190} />
          ) : (
            <p className="muted">No training history was recorded.</p>
          )}
        </div>
        {metrics?.kfold && (
          <div className="card">
            <h3>Cross-validation</h3>
            <p className="kfold" data-testid="model-kfold">
              <span className="big-number">{pct(metrics.kfold.mean)}</span> <span className="muted">± {pct(metrics.kfold.std)}</span>
            </p>
            <p className="muted small">
              {metrics.kfold.k} folds: {metrics.kfold.accuracies.map((a) => pct(a)).join(', ')}
            </p>
          </div>
        )}
        <div className={`card${metrics?.kfold ? '' : ' span-2'}`}>
          <h3>Options</h3>
          <OptionsTable options={m.options} />
        </div>
        {m.search && m.search.length > 0 && (
          <div className="card span-2">
            <h3>Search trials</h3>
            <SearchTable trials={m.search} />
          </div>
        )}
        <div className="card span-2">
          <h3>
            Misclassified <span className="muted">{m.misclassified.length ? `(${m.misclassified.length})` : ''}</span>
          </h3>
          <Misclassified m={m} />
        </div>
      </div>
    </section>
  );
}

function Stat({ label, value, big, testId }: { label: string; value: string; big?: boolean; testId?: string }) {
  return (
    <div className={`stat${big ? ' big' : ''}`}>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

function PerClassTable({ m }: { m: Detail }) {
  const rows = m.metrics!.perClass;
  return (
    <table className="data-table" data-testid="per-class">
      <thead>
        <tr>
          <th>Class</th>
          <th className="num">Precision</th>
          <th className="num">Recall</th>
          <th className="num">F1</th>
          <th className="num">Images</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.name}>
            <td>{c.name}</td>
            <td className="num">{fixed(c.precision, 3)}</td>
            <td className="num">{fixed(c.recall, 3)}</td>
            <td className="num">
              <span className="f1-bar" style={{ width: `${Math.round(c.f1 * 48)}px` }} />
              {fixed(c.f1, 3)}
            </td>
            <td className="num">{c.support.toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OptionsTable({ options }: { options: Record<string, unknown> }) {
  const entries = optionEntries(options);
  if (!entries.length) return <p className="muted">No options were recorded.</p>;
  return (
    <dl className="options-list" data-testid="model-options">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{OPTION_LABELS[k] ?? k}</dt>
          <dd>
            <code>{optionValue(v)}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** How images are fed to an imported ONNX teacher, and for a detector how its boxes are kept. */
function TeacherSpec({ m }: { m: Detail }) {
  const o = m.onnx;
  const d = o?.detector;
  const entries: [string, string][] = [
    ['Input', `${m.input.width}×${m.input.height}, ${m.input.channels === 1 ? 'gray' : 'RGB'}`],
    ...(o
      ? ([
          ['Layout', o.layout.toUpperCase()],
          ['Pixels', o.uint8 ? 'uint8 (scaled in the model)' : `× ${fixed(o.scale, 5)}`],
          ...(o.mean.some((v) => v !== 0) ? [['Mean', o.mean.map((v) => fixed(v, 3)).join(', ')] as [string, string]] : []),
          ...(o.std.some((v) => v !== 1) ? [['Std', o.std.map((v) => fixed(v, 3)).join(', ')] as [string, string]] : []),
        ] as [string, string][])
      : []),
    ...(d
      ? ([
          ['Output', `YOLO${d.yolo} boxes`],
          ['Score threshold', fixed(d.scoreThreshold, 2)],
          ['IoU threshold (NMS)', fixed(d.iouThreshold, 2)],
          ['Max boxes per image', String(d.maxBoxes)],
        ] as [string, string][])
      : []),
  ];
  return (
    <dl className="options-list teacher-spec" data-testid="teacher-spec">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <code>{v}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Which project class each teacher class labels, changed with a select and saved at once. The
 * map is read fresh (the cached details may predate a change) and replaced by the saved one.
 */
function ClassMapTable({ m }: { m: Detail }) {
  const targets = useStore(projectClasses);
  const [map, setMap] = useState<Record<string, string | null> | undefined>(m.classMap);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    let live = true;
    currentClassMap(m.id).then((map) => live && setMap(map), ignore);
    return () => {
      live = false;
    };
  }, [m.id]);
  if (!map) return null;
  const change = (teacherClass: string, target: string | null) => {
    const before = map;
    const next = { ...map, [teacherClass]: target };
    setMap(next);
    setSaving(true);
    setTeacherClassMap(m.id, next)
      .then(setMap, () => setMap(before))
      .finally(() => setSaving(false));
  };
  const ignored = m.classes.filter((c) => map[c] === null).length;
  return (
    <>
      <h4 className="class-map-title">
        Class map <span className="muted small">{ignored ? `${ignored} of ${m.classes.length} teacher classes ignored` : 'every teacher class is used'}</span>
      </h4>
      <div className="table-scroll class-map-scroll">
        <table className="data-table class-map" data-testid="class-map">
          <thead>
            <tr>
              <th>Teacher class</th>
              <th>Labels project class</th>
            </tr>
          </thead>
          <tbody>
            {m.classes.map((c) => (
              <tr key={c} className={map[c] === null ? 'ignored' : undefined}>
                <td>{c}</td>
                <td>
                  <select
                    value={map[c] ?? ''}
                    disabled={saving}
                    onChange={(e) => change(c, e.target.value === '' ? null : e.target.value)}
                    data-testid="class-map-select"
                    data-teacher-class={c}
                    aria-label={`Project class for teacher class ${c}`}
                  >
                    <option value="">ignore</option>
                    {targets.map((t) => (
                      <option key={t.id} value={t.name}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function SearchTable({ trials }: { trials: NonNullable<Detail['search']> }) {
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.params)))];
  const best = trials.reduce<number | null>((b, t) => (t.score !== null && (b === null || t.score > b) ? t.score : b), null);
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="search-trials">
        <thead>
          <tr>
            <th className="num">Trial</th>
            {keys.map((k) => (
              <th key={k}>{OPTION_LABELS[k] ?? k}</th>
            ))}
            <th className="num">Val accuracy</th>
          </tr>
        </thead>
        <tbody>
          {trials.map((t) => (
            <tr key={t.trial} className={t.score !== null && t.score === best ? 'best' : undefined}>
              <td className="num">{t.trial}</td>
              {keys.map((k) => {
                const v = t.params[k];
                return <td key={k}>{typeof v === 'number' && !Number.isInteger(v) ? fixed(v, 4) : optionValue(v)}</td>;
              })}
              <td className="num">{t.score === null ? 'failed' : pct(t.score)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const FIRST = 48;

function Misclassified({ m }: { m: Detail }) {
  const [all, setAll] = useState(false);
  if (m.misclassified.length === 0) {
    return <p className="muted">{m.metrics ? `Every ${m.metrics.split} image was classified correctly.` : 'Nothing recorded.'}</p>;
  }
  const shown = all ? m.misclassified : m.misclassified.slice(0, FIRST);
  const list = { ids: m.misclassified.map((x) => x.imageId), title: `Mistakes of ${m.name}`, back: { name: 'models' as const } };
  return (
    <>
      <p className="muted small">Click an image to open it for labeling: if its label is wrong, fix it with a number key.</p>
      <div className="mis-grid">
        {shown.map((x, i) => (
          <button
            key={`${x.imageId}-${i}`}
            className="mis-cell"
            data-testid="misclassified-cell"
            data-image-id={x.imageId}
            onClick={() => openReview(list, i)}
            title={`Image ${x.imageId}: predicted ${x.predictedClass} (${pct(x.confidence, 0)}), labeled ${x.trueClass}`}
          >
            <img src={mediaUrl(x.imageId, 'thumb')} alt="" loading="lazy" decoding="async" draggable={false} />
            <span className="mis-caption">
              <span>
                predicted <b>{x.predictedClass}</b> ({pct(x.confidence, 0)})
              </span>
              <span className="muted">true {x.trueClass}</span>
            </span>
          </button>
        ))}
      </div>
      {!all && m.misclassified.length > FIRST && (
        <button className="link" onClick={() => setAll(true)}>
          Show all {m.misclassified.length}
        </button>
      )}
    </>
  );
}
