/**
 * The Review view's side panels: counters per class and per round with the review speed, bulk
 * rules (accept at or above / reject below a threshold, per-class overrides) that show how many
 * labels they would change before they change any, and the images whose human label a teacher
 * confidently contradicts (a click opens one in the labeling view to fix it).
 */
import { useEffect, useState, type CSSProperties } from 'react';
import type { AnnotationStatus, ClassInfo, ReviewCounts } from '../../src/api/types';
import { mediaUrl } from '../api/media';
import { ignore } from '../state/toasts';
import { openReview } from '../state/nav';
import { classes, dataVersion } from '../state/project';
import { applyBulk, counts, disagreements, previewBulk, refreshDisagreements, STATUSES, type BulkRule } from '../state/review';
import { showToast } from '../state/toasts';
import { useStore } from '../state/store';
import { pct } from './format';

type Tally = Record<AnnotationStatus, number>;
const zero = (): Tally => ({ pending: 0, accepted: 0, rejected: 0, corrected: 0 });

function tally(rows: ReviewCounts['byClassAndRound'], key: (r: ReviewCounts['byClassAndRound'][number]) => string): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const r of rows) {
    const k = key(r);
    const t = out.get(k) ?? zero();
    t[r.status] += r.count;
    out.set(k, t);
  }
  return out;
}

export function CountsPanel() {
  const c = useStore(counts);
  const cls = useStore(classes);
  const [by, setBy] = useState<'class' | 'round'>('class');
  const [kindPick, setKind] = useState<'tag' | 'box'>('tag');
  const all = c?.byClassAndRound ?? [];
  // Image tags and a detector's boxes are counted apart: one image can hold dozens of boxes.
  const hasBoxes = all.some((r) => r.kind === 'box');
  const hasTags = all.some((r) => (r.kind ?? 'tag') === 'tag');
  const kind = hasBoxes && !hasTags ? 'box' : hasTags && !hasBoxes ? 'tag' : kindPick;
  const rows = all.filter((r) => (r.kind ?? 'tag') === kind);
  const total = zero();
  for (const r of rows) total[r.status] += r.count;
  const groups =
    by === 'class'
      ? (() => {
          const m = tally(rows, (r) => String(r.classId));
          // Project class order, then anything without a class.
          const keys = [...cls.map((k) => String(k.id)).filter((k) => m.has(k)), ...[...m.keys()].filter((k) => !cls.some((x) => String(x.id) === k))];
          return keys.map((k) => ({ key: k, label: cls.find((x) => String(x.id) === k)?.name ?? 'no class', color: cls.find((x) => String(x.id) === k)?.color, t: m.get(k)! }));
        })()
      : [...tally(rows, (r) => String(r.round)).entries()]
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([k, t]) => ({ key: k, label: k === 'null' ? 'no round' : `round ${k}`, color: undefined, t }));
  return (
    <section className="side-card" data-testid="review-counts">
      <div className="side-head">
        <h3>Pseudo-labels</h3>
        <span className="muted small" data-testid="review-speed" title="Review decisions per minute over the last 10 minutes">
          {c ? `${c.imagesPerMinute.toFixed(1)} images/min` : ''}
        </span>
      </div>
      {hasBoxes && hasTags && (
        <div className="segmented small-seg" role="group" aria-label="Count what">
          {(['tag', 'box'] as const).map((k) => (
            <label key={k} className={kind === k ? 'active' : undefined}>
              <input type="radio" name="counts-kind" checked={kind === k} onChange={() => setKind(k)} />
              {k === 'tag' ? 'image labels' : 'boxes'}
            </label>
          ))}
        </div>
      )}
      <div className="totals">
        {STATUSES.map((s) => (
          <div key={s} className={`total ${s}`}>
            <span className="total-n" data-testid={`review-total-${s}`}>
              {total[s].toLocaleString()}
            </span>
            <span className="total-label">{s}</span>
          </div>
        ))}
      </div>
      {rows.length > 0 && (
        <>
          <div className="segmented small-seg" role="group" aria-label="Count by">
            {(['class', 'round'] as const).map((b) => (
              <label key={b} className={by === b ? 'active' : undefined}>
                <input type="radio" name="counts-by" checked={by === b} onChange={() => setBy(b)} />
                per {b}
              </label>
            ))}
          </div>
          <table className="data-table counts-table">
            <thead>
              <tr>
                <th>{by}</th>
                <th className="num" title="pending">pend.</th>
                <th className="num" title="accepted">acc.</th>
                <th className="num" title="rejected">rej.</th>
                <th className="num" title="corrected">corr.</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => (
                <tr key={g.key} data-testid={`review-count-${by}`} data-key={g.label}>
                  <td className="count-label" style={g.color ? ({ '--c': g.color } as CSSProperties) : undefined}>
                    {g.color && <i />}
                    {g.label}
                  </td>
                  {STATUSES.map((s) => (
                    <td key={s} className="num" data-status={s}>
                      {g.t[s].toLocaleString()}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function threshold(s: string): number | null {
  if (s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

export function BulkPanel() {
  const cls = useStore(classes);
  const c = useStore(counts);
  const [mode, setMode] = useState<BulkRule['mode']>('accept-above');
  const [global, setGlobal] = useState('0.9');
  const [per, setPer] = useState<Record<number, string>>({});
  const [round, setRound] = useState<number | null>(null);
  const [preview, setPreview] = useState<{ key: string; n: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const t = threshold(global);
  const perClass: Record<string, number> = {};
  let perInvalid = false;
  for (const [id, v] of Object.entries(per)) {
    if (v.trim() === '') continue;
    const x = threshold(v);
    if (x === null) perInvalid = true;
    else perClass[id] = x;
  }
  const rule: BulkRule | null = t === null || perInvalid ? null : { mode, threshold: t, perClass, round };
  const key = JSON.stringify(rule);

  // The preview count follows the rule and every change to the labels.
  useEffect(() => {
    if (!rule) return;
    let live = true;
    const timer = setTimeout(() => {
      previewBulk(rule)
        .then((n) => live && setPreview({ key, n }))
        .catch(ignore);
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, c]);

  const n = preview && preview.key === key ? preview.n : null;
  const verb = mode === 'accept-above' ? 'accept' : 'reject';
  const overrides = Object.keys(perClass).length;

  const apply = async () => {
    if (!rule || !n) return;
    setBusy(true);
    try {
      const changed = await applyBulk(rule);
      showToast('success', `${verb === 'accept' ? 'Accepted' : 'Rejected'} ${changed.toLocaleString()} pseudo-label${changed === 1 ? '' : 's'}. Ctrl+Z undoes it.`);
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="side-card bulk-panel" data-testid="bulk-panel">
      <div className="side-head">
        <h3>Bulk</h3>
      </div>
      <div className="bulk-row">
        <select value={mode} onChange={(e) => setMode(e.target.value as BulkRule['mode'])} data-testid="bulk-mode" aria-label="Bulk action">
          <option value="accept-above">Accept all at or above</option>
          <option value="reject-below">Reject all below</option>
        </select>
        <input
          className="narrow"
          type="number"
          min={0}
          max={1}
          step={0.05}
          value={global}
          onChange={(e) => setGlobal(e.target.value)}
          aria-invalid={t === null || undefined}
          aria-label="Confidence threshold"
          data-testid="bulk-threshold"
        />
      </div>
      <div className="bulk-row">
        <RoundSelect value={round} onChange={(r) => setRound(r)} testId="bulk-round" />
      </div>
      <details className="per-class">
        <summary>Per-class thresholds{overrides ? ` (${overrides})` : ''}</summary>
        <div className="per-class-grid">
          {cls.map((k: ClassInfo) => (
            <label key={k.id} className="inline-field" style={{ '--c': k.color } as CSSProperties}>
              <span className="count-label">
                <i />
                {k.name}
              </span>
              <input
                className="narrow"
                type="number"
                min={0}
                max={1}
                step={0.05}
                placeholder={global}
                value={per[k.id] ?? ''}
                onChange={(e) => setPer((p) => ({ ...p, [k.id]: e.target.value }))}
                data-testid="bulk-class-threshold"
                data-class-name={k.name}
              />
            </label>
          ))}
        </div>
      </details>
      <p className="bulk-preview small" data-testid="bulk-preview" data-count={n ?? undefined}>
        {!rule
          ? 'Thresholds are numbers from 0 to 1.'
          : n === null
            ? 'Counting…'
            : `${n.toLocaleString()} pending label${n === 1 ? '' : 's'} ${mode === 'accept-above' ? `at or above ${rule.threshold}` : `below ${rule.threshold}`}${overrides ? ' (or their class threshold)' : ''} would be ${verb}ed.`}
      </p>
      <button className={mode === 'accept-above' ? 'primary' : 'reject'} disabled={!rule || !n || busy} onClick={() => void apply()} data-testid="bulk-apply">
        {verb === 'accept' ? 'Accept' : 'Reject'} {n ? n.toLocaleString() : ''}
      </button>
    </section>
  );
}

export function DisagreementsPanel() {
  const list = useStore(disagreements);
  const cls = useStore(classes);
  const dv = useStore(dataVersion);
  const [min, setMin] = useState('0.9');
  const m = threshold(min);

  useEffect(() => {
    if (m === null) return;
    const timer = setTimeout(() => refreshDisagreements(m).catch(ignore), 150);
    return () => clearTimeout(timer);
  }, [m, dv]);

  const name = (id: number) => cls.find((k) => k.id === id)?.name ?? '?';
  const open = (i: number) => {
    if (!list) return;
    openReview({ ids: list.map((d) => d.imageId), title: 'Possible label errors', back: { name: 'review' } }, i);
  };

  return (
    <section className="side-card" data-testid="disagreements">
      <div className="side-head">
        <h3>Possible label errors</h3>
        <label className="inline-field" title="Only where the teacher is at least this confident">
          <span>≥</span>
          <input className="narrow" type="number" min={0} max={1} step={0.05} value={min} onChange={(e) => setMin(e.target.value)} aria-label="Minimum teacher confidence" data-testid="disagreement-min" />
        </label>
      </div>
      {list === null ? (
        <p className="muted small">Looking…</p>
      ) : list.length === 0 ? (
        <p className="muted small">No human label is contradicted by a confident teacher. Pseudo-label the train split to check the labels there.</p>
      ) : (
        <ul className="disagreement-list">
          {list.map((d, i) => (
            <li key={`${d.imageId}-${d.modelId}`}>
              <button className="disagreement" data-testid="disagreement-row" data-image-id={d.imageId} onClick={() => open(i)} title="Open in the labeling view to fix the label">
                <img src={mediaUrl(d.imageId, 'thumb')} alt="" loading="lazy" decoding="async" draggable={false} />
                <span className="disagreement-text">
                  <span className="file-name">{d.fileName}</span>
                  <span className="small">
                    labeled <b>{name(d.humanClassId)}</b>, teacher says <b className="teacher">{name(d.teacherClassId)}</b> {pct(d.confidence, 0)}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A round filter: "all", or one of the rounds the review counts have seen. */
export function RoundSelect({ value, onChange, testId }: { value: number | null; onChange: (round: number | null, el: HTMLSelectElement) => void; testId: string }) {
  const c = useStore(counts);
  const rounds = [...new Set((c?.byClassAndRound ?? []).map((r) => r.round).filter((r): r is number => r !== null))].sort((a, b) => a - b);
  return (
    <label className="inline-field">
      <span>Round</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value), e.target)} data-testid={testId}>
        <option value="">all</option>
        {rounds.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
    </label>
  );
}
