/**
 * Models: every model of the project in a table (tick up to three to compare them side by
 * side), and the one clicked in detail below.
 */
import { useEffect, type KeyboardEvent } from 'react';
import type { ModelDetail, ModelInfo } from '../../src/api/types';
import { ignore } from '../state/toasts';
import { compareIds, MAX_COMPARE, models, refreshModels, selectedModel, showModel, toggleCompare, useModelDetails } from '../state/models';
import { goTab } from '../state/nav';
import { useStore } from '../state/store';
import { count, duration, fixed, optionValue, pct, rate, when } from './format';
import { ModelDetailPanel, OPTION_LABELS, optionEntries } from './ModelDetail';
import { TeacherImportButton } from './TeacherImportDialog';

export function ModelsView() {
  const list = useStore(models);
  const sel = useStore(selectedModel);
  const cmp = useStore(compareIds);

  useEffect(() => {
    refreshModels().catch(ignore);
  }, []);

  return (
    <div className="models-view" data-testid="models-view">
      <div className="models-scroll">
        <section className="models-list">
          <div className="section-head">
            <h2>Models</h2>
            <span className="muted">{list ? `${list.length} model${list.length === 1 ? '' : 's'}` : ''}</span>
            <span className="grow" />
            {list && list.length > 1 && (
              <span className="muted small">
                {cmp.length === 0 ? `Tick up to ${MAX_COMPARE} models to compare them.` : `${cmp.length} of ${MAX_COMPARE} ticked for comparison.`}
              </span>
            )}
            {cmp.length > 0 && (
              <button className="link" onClick={() => compareIds.set([])}>
                Clear
              </button>
            )}
            <TeacherImportButton />
          </div>
          {list === null ? (
            <p className="muted">Loading…</p>
          ) : list.length === 0 ? (
            <div className="models-empty">
              <h3>No models yet</h3>
              <p className="muted">Train one on the labeled images: its accuracy, mistakes and curves show up here. Or import an ONNX model as a teacher.</p>
              <button className="primary" onClick={() => goTab('train')}>
                Go to Train
              </button>
            </div>
          ) : (
            <ModelsTable list={list} selected={sel} ticked={cmp} />
          )}
        </section>
        {cmp.length >= 2 && <Compare ids={cmp} />}
        {sel && list && list.some((m) => m.id === sel) && <ModelDetailPanel key={sel} id={sel} />}
      </div>
    </div>
  );
}

function ModelsTable({ list, selected, ticked }: { list: ModelInfo[]; selected: string | null; ticked: string[] }) {
  const best = Math.max(...list.map((m) => m.metrics?.accuracy ?? -1));
  const onKey = (e: KeyboardEvent, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      showModel(id);
    }
  };
  return (
    <div className="table-scroll models-table-scroll">
      <table className="data-table models-table">
        <thead>
          <tr>
            <th className="check" aria-label="Compare" />
            <th>Name</th>
            <th>Architecture</th>
            <th className="num">Accuracy</th>
            <th>Backend</th>
            <th className="num">Training time</th>
            <th className="num">Images/s</th>
            <th className="num">Params</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {list.map((m) => {
            const isTicked = ticked.includes(m.id);
            const acc = m.metrics?.accuracy;
            return (
              <tr
                key={m.id}
                className={`model-row${m.id === selected ? ' selected' : ''}`}
                data-testid="model-row"
                data-model-id={m.id}
                aria-selected={m.id === selected}
                tabIndex={0}
                onClick={() => showModel(m.id)}
                onKeyDown={(e) => onKey(e, m.id)}
              >
                <td className="check" onClick={(e) => e.stopPropagation()}>
                  <input
                    type="checkbox"
                    checked={isTicked}
                    disabled={!isTicked && ticked.length >= MAX_COMPARE}
                    onChange={() => toggleCompare(m.id)}
                    aria-label={`Compare ${m.name}`}
                    data-testid="model-compare-toggle"
                  />
                </td>
                <td className="model-name" title={m.id}>
                  {m.name}
                  {m.kind === 'imported' && <span className="badge">imported</span>}
                </td>
                <td>{m.arch}</td>
                <td className="num" data-testid="model-accuracy" title={m.metrics?.detection ? 'mAP@0.5 (a detector)' : undefined}>
                  <span className="acc-cell">
                    {acc !== undefined && <span className="acc-bar" style={{ width: `${Math.round(acc * 60)}px` }} />}
                    <span className={acc !== undefined && acc === best && list.length > 1 ? 'best' : undefined}>{pct(acc)}</span>
                  </span>
                </td>
                <td className="muted backend" title={m.backend ?? undefined}>
                  {m.backend ?? '—'}
                </td>
                <td className="num">{duration(m.trainingSeconds)}</td>
                <td className="num" title={m.imagesPerSecond === null ? undefined : `batch loop ${rate(m.imagesPerSecond)} images/s`}>{rate(m.wallImagesPerSecond)}</td>
                <td className="num">{count(m.params)}</td>
                <td className="muted">{when(m.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

type Row = { label: string; values: string[]; best?: number | null; head?: boolean };

/** Index of the best value (highest, or lowest with `low`), or null on a tie or with gaps. */
function bestOf(values: (number | null | undefined)[], low = false): number | null {
  const nums = values.map((v) => (v === null || v === undefined || !Number.isFinite(v) ? null : v));
  if (nums.some((v) => v === null)) return null;
  const target = low ? Math.min(...(nums as number[])) : Math.max(...(nums as number[]));
  const at = nums.filter((v) => v === target).length === 1 ? nums.indexOf(target) : -1;
  return at >= 0 ? at : null;
}

function Compare({ ids }: { ids: string[] }) {
  const details = useModelDetails(ids);
  if (details.some((d) => d === null)) {
    return (
      <section className="card compare">
        <p className="muted">Loading the models to compare…</p>
      </section>
    );
  }
  const ms = details as ModelDetail[];
  const rows: Row[] = [
    { label: 'Architecture', values: ms.map((m) => m.arch) },
    { label: 'Accuracy', values: ms.map((m) => pct(m.metrics?.accuracy)), best: bestOf(ms.map((m) => m.metrics?.accuracy)) },
    { label: 'Loss', values: ms.map((m) => fixed(m.metrics?.loss, 4)), best: bestOf(ms.map((m) => m.metrics?.loss), true) },
  ];
  if (ms.some((m) => m.metrics?.topK)) rows.push({ label: 'Top-k accuracy', values: ms.map((m) => (m.metrics?.topK ? `${pct(m.metrics.topK.accuracy)} (k=${m.metrics.topK.k})` : '—')) });
  if (ms.some((m) => m.metrics?.kfold)) {
    rows.push({ label: 'K-fold', values: ms.map((m) => (m.metrics?.kfold ? `${pct(m.metrics.kfold.mean)} ± ${pct(m.metrics.kfold.std)}` : '—')), best: bestOf(ms.map((m) => m.metrics?.kfold?.mean)) });
  }
  rows.push(
    { label: 'Epochs', values: ms.map((m) => String(m.history.length || '—')) },
    { label: 'Training time', values: ms.map((m) => duration(m.trainingSeconds)), best: bestOf(ms.map((m) => m.trainingSeconds), true) },
    { label: 'Images/s', values: ms.map((m) => rate(m.wallImagesPerSecond)), best: bestOf(ms.map((m) => m.wallImagesPerSecond)) },
    { label: 'Batch loop images/s', values: ms.map((m) => rate(m.imagesPerSecond)), best: bestOf(ms.map((m) => m.imagesPerSecond)) },
    { label: 'Parameters', values: ms.map((m) => count(m.params)), best: bestOf(ms.map((m) => m.params), true) },
    { label: 'Backend', values: ms.map((m) => m.backend ?? '—') },
  );
  const classNames = [...new Set(ms.flatMap((m) => m.metrics?.perClass.map((c) => c.name) ?? []))];
  if (classNames.length) {
    rows.push({ label: 'F1 per class', values: ms.map(() => ''), head: true });
    for (const c of classNames) {
      const f1 = ms.map((m) => m.metrics?.perClass.find((x) => x.name === c)?.f1);
      rows.push({ label: c, values: f1.map((v) => fixed(v, 3)), best: bestOf(f1) });
    }
  }
  const keys = [...new Set(ms.flatMap((m) => optionEntries(m.options).map(([k]) => k)))].filter((k) => k !== 'resume');
  const differing = keys.filter((k) => new Set(ms.map((m) => optionValue(m.options[k]))).size > 1);
  rows.push({ label: differing.length ? 'Options that differ' : 'Options: all the same', values: ms.map(() => ''), head: true });
  for (const k of differing) rows.push({ label: OPTION_LABELS[k] ?? k, values: ms.map((m) => optionValue(m.options[k])) });

  return (
    <section className="card compare" data-testid="model-compare">
      <h3>Comparison</h3>
      <div className="table-scroll">
        <table className="data-table compare-table">
          <thead>
            <tr>
              <th />
              {ms.map((m) => (
                <th key={m.id}>
                  <button className="link" onClick={() => showModel(m.id)} title={m.id}>
                    {m.name}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) =>
              r.head ? (
                <tr key={`h${i}`} className="group">
                  <th colSpan={ms.length + 1}>{r.label}</th>
                </tr>
              ) : (
                <tr key={`r${i}`}>
                  <th scope="row">{r.label}</th>
                  {r.values.map((v, j) => (
                    <td key={j} className={r.best === j ? 'best' : undefined}>
                      {v}
                    </td>
                  ))}
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
