/**
 * Review: a teacher pseudo-labels the unlabeled images, then people go through its labels, most
 * uncertain first. The current image is large, the teacher's top 3 beside it, the next ones in a
 * strip below; one key decides (A accept, X reject, 1–9 relabel, S skip, Ctrl+Z undo) and the
 * next image shows. Bulk rules, counters and likely label errors sit in the side panel; the
 * Rounds tab shows teacher → student rounds and trains the next student.
 */
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import type { ClassInfo, ReviewItem } from '../../src/api/types';
import { mediaUrl } from '../api/media';
import { ignore } from '../state/toasts';
import { ImageStage, type ImageStageHandle } from '../canvas/ImageStage';
import { trackJob } from '../state/jobs';
import { useShortcutScope } from '../state/keyboard';
import { classKeyOf } from '../state/shortcuts';
import { models, refreshModels } from '../state/models';
import { goTab } from '../state/nav';
import { classes, dataVersion, stats } from '../state/project';
import {
  counts,
  currentItem,
  decide,
  jumpTo,
  ORDERS,
  pseudoTemperature,
  queue,
  queueFilter,
  refreshCounts,
  relabelNumber,
  reloadQueue,
  reviewTeacher,
  setQueueFilter,
  skip,
  startPseudoLabel,
  STATUSES,
  undo,
  type QueueFilter,
} from '../state/review';
import { createStore, useStore } from '../state/store';
import { pct } from './format';
import { Icon } from './Icon';
import { BulkPanel, CountsPanel, DisagreementsPanel, RoundSelect } from './ReviewPanels';
import { RoundsView } from './RoundsView';
import { BoxReviewPane } from './BoxReviewPane';
import { TeacherImportButton, TeacherImportDialog } from './TeacherImportDialog';

type Sub = 'queue' | 'boxes' | 'rounds';
const SUB_TITLES: Record<Sub, string> = { queue: 'Review queue', boxes: 'Boxes', rounds: 'Rounds' };
/** Kept across visits (e.g. after fixing a label error in the labeling view). */
const subView = createStore<Sub>('queue');

export function ReviewView() {
  const sub = useStore(subView);
  const list = useStore(models);

  useEffect(() => {
    refreshModels().catch(ignore);
  }, []);

  // The newest model is the teacher until someone picks another.
  useEffect(() => {
    const t = reviewTeacher.get();
    if (list && list.length && (!t || !list.some((m) => m.id === t))) reviewTeacher.set(list[0]!.id);
  }, [list]);

  return (
    <div className="review-view" data-testid="review-view">
      <div className="toolbar review-toolbar">
        <div className="segmented" role="tablist" aria-label="Review views">
          {(['queue', 'boxes', 'rounds'] as const).map((s) => (
            <label key={s} className={sub === s ? 'active' : undefined} data-testid={`review-sub-${s}`}>
              <input type="radio" name="review-sub" checked={sub === s} onChange={() => subView.set(s)} />
              {SUB_TITLES[s]}
            </label>
          ))}
        </div>
        <span className="sep-v" />
        <PseudoLabelControls />
      </div>
      {sub === 'queue' ? <QueuePane /> : sub === 'boxes' ? <BoxReviewPane /> : <RoundsView />}
    </div>
  );
}

/** Blur a select after a pick, so the review keys work again at once. */
function blurSoon(el: HTMLElement): void {
  setTimeout(() => el.blur(), 0);
}

type PseudoSplit = 'unlabeled' | 'train' | 'val' | 'test';

function PseudoLabelControls() {
  const list = useStore(models) ?? [];
  const teacher = useStore(reviewTeacher);
  const temperature = useStore(pseudoTemperature);
  const s = useStore(stats);
  const [split, setSplit] = useState<PseudoSplit>('unlabeled');
  const [busy, setBusy] = useState(false);
  // Held here, not in the button: the dialog stays open (with its result) when the first model arrives and the controls change.
  const [importing, setImporting] = useState(false);
  const n = s ? s.splits[split] : null;
  const importDialog = importing && <TeacherImportDialog onClose={() => setImporting(false)} />;

  if (list.length === 0) {
    return (
      <>
        <span className="muted small pseudo-none">
          Pseudo-labeling needs a teacher: <button className="link" onClick={() => goTab('train')}>train a model</button> first, or{' '}
          <TeacherImportButton className="link" onOpen={() => setImporting(true)}>
            import an ONNX teacher
          </TeacherImportButton>
          .
        </span>
        {importDialog}
      </>
    );
  }

  const start = async (el: HTMLButtonElement) => {
    setBusy(true);
    try {
      trackJob(await startPseudoLabel(split), 'pseudo-label');
    } catch {
      // shown in a toast
    } finally {
      setBusy(false);
      el.blur();
    }
  };

  return (
    <>
      <div className="pseudo-controls">
        <label className="inline-field" title="The model whose predictions become pseudo-labels">
          <span>Teacher</span>
          <select value={teacher ?? ''} data-testid="review-teacher" onChange={(e) => (reviewTeacher.set(e.target.value), blurSoon(e.target))}>
            {list.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} · {pct(m.metrics?.accuracy)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field" title="Softens the teacher's probabilities (T > 1 spreads them out); use the same T when training the student">
          <span>T</span>
          <input className="narrow" type="number" min={0.1} max={100} step={0.5} value={temperature} onChange={(e) => pseudoTemperature.set(e.target.value)} data-testid="review-temperature" />
        </label>
        <label className="inline-field" title="Which images the teacher labels. Labeled splits let it point out likely label errors.">
          <span>Images</span>
          <select value={split} onChange={(e) => (setSplit(e.target.value as PseudoSplit), blurSoon(e.target))} data-testid="pseudo-label-split">
            <option value="unlabeled">unlabeled</option>
            <option value="train">train</option>
            <option value="val">val</option>
            <option value="test">test</option>
          </select>
        </label>
        <button className="primary" data-testid="pseudo-label-start" disabled={busy || !teacher || n === 0} onClick={(e) => void start(e.currentTarget)} title={n === 0 ? `There are no ${split} images` : undefined}>
          Pseudo-label {n === null ? '' : `${n.toLocaleString()} `}
          {split === 'unlabeled' ? 'unlabeled' : split} images
        </button>
        <TeacherImportButton onOpen={() => setImporting(true)} />
      </div>
      {importDialog}
    </>
  );
}

function QueuePane() {
  const q = useStore(queue);
  const f = useStore(queueFilter);
  const cls = useStore(classes);
  const dv = useStore(dataVersion);
  const stage = useRef<ImageStageHandle>(null);
  const item = currentItem(q);

  // The first page on arrival, and again whenever the filter changes (typed bounds settle first).
  const filterKey = JSON.stringify(f);
  const firstLoad = useRef(true);
  useEffect(() => {
    const delay = firstLoad.current && !queue.get().loaded ? 0 : 250;
    firstLoad.current = false;
    const t = setTimeout(() => reloadQueue().catch(ignore), delay);
    return () => clearTimeout(t);
  }, [filterKey]);

  // Counters follow every change; an empty queue looks again (someone may have added labels).
  useEffect(() => {
    refreshCounts().catch(ignore);
    const s = queue.get();
    if (s.loaded && !s.loading && s.items.length === 0) reloadQueue().catch(ignore);
  }, [dv]);

  useShortcutScope('review', {
    accept: () => void decide('accept'),
    reject: () => void decide('reject'),
    relabelNumber: (n) => void relabelNumber(n),
    skip: () => void skip(),
    undo: () => void undo(),
    fit: () => stage.current?.fit(),
  });

  return (
    <div className="review-body">
      <section className="review-main">
        <QueueFilters f={f} cls={cls} />
        <div className="review-stage">
          {item ? (
            <div className="review-current" data-testid="review-current" data-annotation-id={item.annotationId} data-image-id={item.imageId} data-confidence={item.confidence}>
              <ImageStage key={item.imageId} ref={stage} src={mediaUrl(item.imageId, 'full')} alt={item.fileName} />
              <CurrentCaption item={item} cls={cls} />
            </div>
          ) : (
            <QueueEmpty />
          )}
        </div>
        <Strip items={q.items} index={q.index} more={q.next !== null} cls={cls} />
      </section>
      <aside className="review-side">
        <DecisionCard item={item} cls={cls} />
        <CountsPanel />
        <BulkPanel />
        <DisagreementsPanel />
      </aside>
    </div>
  );
}

function QueueFilters({ f, cls }: { f: QueueFilter; cls: ClassInfo[] }) {
  return (
    <div className="toolbar review-filters" data-testid="review-filters">
      <label className="inline-field">
        <span>Order</span>
        <select value={f.order} onChange={(e) => (setQueueFilter({ order: e.target.value as QueueFilter['order'] }), blurSoon(e.target))} data-testid="review-order">
          {ORDERS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Status</span>
        <select value={f.status} onChange={(e) => (setQueueFilter({ status: e.target.value as QueueFilter['status'] }), blurSoon(e.target))} data-testid="review-status">
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Class</span>
        <select value={f.classId ?? ''} onChange={(e) => (setQueueFilter({ classId: e.target.value ? Number(e.target.value) : null }), blurSoon(e.target))} data-testid="review-class">
          <option value="">all</option>
          {cls.map((k) => (
            <option key={k.id} value={k.id}>
              {k.name}
            </option>
          ))}
        </select>
      </label>
      <RoundSelect
        value={f.round}
        onChange={(round, el) => {
          setQueueFilter({ round });
          blurSoon(el);
        }}
        testId="review-round"
      />
      <label className="inline-field" title="Only labels with a confidence in this range (0 to 1); empty is no bound">
        <span>Confidence</span>
        <input className="narrow" type="number" min={0} max={1} step={0.05} placeholder="0" value={f.minConfidence} onChange={(e) => setQueueFilter({ minConfidence: e.target.value })} data-testid="review-min-confidence" aria-label="Minimum confidence" />
        <span>–</span>
        <input className="narrow" type="number" min={0} max={1} step={0.05} placeholder="1" value={f.maxConfidence} onChange={(e) => setQueueFilter({ maxConfidence: e.target.value })} data-testid="review-max-confidence" aria-label="Maximum confidence" />
      </label>
    </div>
  );
}

function QueueEmpty() {
  const q = useStore(queue);
  const f = useStore(queueFilter);
  const c = useStore(counts);
  const anyPseudo = (c?.byClassAndRound.length ?? 0) > 0;
  if (!q.loaded) return <div className="stage-note">Loading the queue…</div>;
  const pastEnd = q.items.length > 0;
  return (
    <div className="review-empty" data-testid="review-empty">
      {pastEnd ? (
        <>
          <h3>End of the queue</h3>
          <p className="muted">You went past every {f.status} label here. Skipped ones are still {f.status}.</p>
          <button onClick={() => reloadQueue().catch(ignore)}>Start over</button>
        </>
      ) : anyPseudo ? (
        <>
          <h3>Nothing {f.status} here</h3>
          <p className="muted">No {f.status} pseudo-label matches these filters.</p>
        </>
      ) : (
        <>
          <h3>No pseudo-labels yet</h3>
          <p className="muted">Pick a teacher above and press Pseudo-label: its guesses for the unlabeled images show up here, the most uncertain first.</p>
        </>
      )}
    </div>
  );
}

/** The teacher's top classes from the soft label (project class order), best first. */
export function topClasses(item: ReviewItem, cls: ClassInfo[], k = 3): { cls: ClassInfo | undefined; p: number }[] {
  if (!item.soft || item.soft.length === 0) return [{ cls: cls.find((c) => c.id === item.classId), p: item.confidence }];
  return item.soft
    .map((p, i) => ({ cls: cls[i], p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, k);
}

function CurrentCaption({ item, cls }: { item: ReviewItem; cls: ClassInfo[] }) {
  const c = cls.find((k) => k.id === item.classId);
  const human = item.humanClassId !== null ? cls.find((k) => k.id === item.humanClassId) : undefined;
  return (
    <div className="review-caption">
      <span className="file-name" title={item.fileName}>
        {item.fileName}
      </span>
      <span className="current-class" style={c ? ({ '--c': c.color } as CSSProperties) : undefined} data-testid="review-current-class">
        {c && <i />}
        {c?.name ?? 'no class'}
      </span>
      <span className="muted small">
        {item.status} · round {item.round ?? '—'}
        {item.entropy !== null && ` · entropy ${item.entropy.toFixed(2)}`}
        {item.margin !== null && ` · margin ${item.margin.toFixed(2)}`}
      </span>
      {human && <span className="warn small">labeled {human.name} by a person</span>}
    </div>
  );
}

function DecisionCard({ item, cls }: { item: ReviewItem | undefined; cls: ClassInfo[] }) {
  const q = useStore(queue);
  const top = item ? topClasses(item, cls) : [];
  return (
    <section className="side-card decide">
      <div className="side-head">
        <h3>Teacher says</h3>
        <span className="muted small">{q.decided > 0 ? `${q.decided} decided here` : ''}</span>
      </div>
      <ol className="top3" data-testid="review-top3">
        {top.map((t, i) => (
          <li key={t.cls?.id ?? i} style={{ '--c': t.cls?.color ?? 'var(--text-3)' } as CSSProperties} data-class-name={t.cls?.name}>
            <span className="top3-name">{t.cls?.name ?? '?'}</span>
            <span className="top3-bar">
              <span style={{ width: `${Math.round(t.p * 100)}%` }} />
            </span>
            <span className="top3-p">{pct(t.p)}</span>
          </li>
        ))}
        {!item && <li className="muted small">No image to review.</li>}
      </ol>
      <div className="decide-buttons">
        <button className="primary" disabled={!item} onClick={() => void decide('accept')} data-testid="review-accept" title="Accept (A or Enter)">
          <kbd>A</kbd> Accept
        </button>
        <button className="reject" disabled={!item} onClick={() => void decide('reject')} data-testid="review-reject" title="Reject (X)">
          <kbd>X</kbd> Reject
        </button>
        <button disabled={!item} onClick={() => void skip()} data-testid="review-skip" title="Skip (S or →)">
          <kbd>S</kbd> Skip
        </button>
        <button onClick={() => void undo()} data-testid="review-undo" title="Undo the last step (Ctrl+Z)">
          Undo
        </button>
      </div>
      <div className="relabel">
        <span className="muted small">Relabel</span>
        {/* Every class: the first ten have a key, the others a click or the "/" picker. */}
        {cls.map((k, i) => (
          <button key={k.id} className="chip mini" style={{ '--c': k.color } as CSSProperties} disabled={!item} onClick={() => void decide('relabel', k.id)} title={`Relabel as ${k.name} (${classKeyOf(i) ?? '/ to pick'})`} data-testid="relabel-chip">
            {classKeyOf(i) !== null && <kbd>{classKeyOf(i)}</kbd>}
            <i />
            <span>{k.name}</span>
          </button>
        ))}
      </div>
    </section>
  );
}

function Strip({ items, index, more, cls }: { items: ReviewItem[]; index: number; more: boolean; cls: ClassInfo[] }) {
  const next = items.slice(index + 1, index + 13);
  return (
    <div className="review-strip" data-testid="review-strip" aria-label="Next images">
      {next.map((it, i) => {
        const c = cls.find((k) => k.id === it.classId);
        return (
          <button key={it.annotationId} className="strip-cell" data-testid="review-next" data-annotation-id={it.annotationId} data-confidence={it.confidence} onClick={() => jumpTo(index + 1 + i)} title={`${it.fileName}: ${c?.name ?? '?'} ${pct(it.confidence)}`}>
            <img src={mediaUrl(it.imageId, 'thumb')} alt="" loading="lazy" decoding="async" draggable={false} />
            <span className="strip-caption" style={{ '--c': c?.color ?? 'var(--text-3)' } as CSSProperties}>
              <i />
              {pct(it.confidence, 0)}
            </span>
          </button>
        );
      })}
      {next.length === 0 && <span className="muted small strip-none">{items.length ? 'No more images after this one.' : ''}</span>}
      {items.length > 0 && (
        <span className="strip-count muted small">
          <Icon name="image" /> {Math.min(index + 1, items.length)} / {items.length.toLocaleString()}
          {more ? '+' : ''}
        </span>
      )}
    </div>
  );
}
