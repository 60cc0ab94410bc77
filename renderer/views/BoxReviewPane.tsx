/**
 * Reviewing a detector's boxes: the images that have teacher boxes of a status, the most uncertain
 * first (lowest box confidence), with how many boxes each holds. "Review" opens them in the
 * labeling view, where the boxes show dashed with their confidence: Enter or A accepts every box
 * of the image and moves on, Delete rejects the selected box, the select tool adjusts one (it is
 * then "corrected"), and the box tool adds a box the teacher missed.
 */
import { useEffect, useState, type CSSProperties } from 'react';
import type { AnnotationStatus, ReviewImagesPage } from '../../src/api/types';
import { mediaUrl } from '../api/media';
import { openReview } from '../state/nav';
import { classes, dataVersion } from '../state/project';
import { reviewImages, STATUSES } from '../state/review';
import { useStore } from '../state/store';
import { ignore } from '../state/toasts';
import { pct } from './format';

type Item = ReviewImagesPage['items'][number];

export function BoxReviewPane() {
  const cls = useStore(classes);
  const dv = useStore(dataVersion);
  const [status, setStatus] = useState<AnnotationStatus>('pending');
  const [order, setOrder] = useState<'confidence' | 'count'>('confidence');
  const [items, setItems] = useState<Item[] | null>(null);
  const [next, setNext] = useState<ReviewImagesPage['next']>(null);

  useEffect(() => {
    let live = true;
    reviewImages({ status, order, cursor: null, limit: 200 }).then((p) => {
      if (!live) return;
      setItems(p.items);
      setNext(p.next);
    }, ignore);
    return () => {
      live = false;
    };
  }, [status, order, dv]);

  const more = () => {
    if (!next) return;
    reviewImages({ status, order, cursor: next, limit: 200 }).then((p) => {
      setItems((prev) => [...(prev ?? []), ...p.items]);
      setNext(p.next);
    }, ignore);
  };

  const open = (index: number) => {
    if (!items?.length) return;
    openReview({ ids: items.map((i) => i.imageId), title: `Teacher boxes · ${status}`, back: { name: 'review' }, tool: 'select' }, index);
  };

  return (
    <div className="box-review" data-testid="box-review">
      <div className="toolbar">
        <label className="inline-field">
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as AnnotationStatus)} data-testid="box-review-status">
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field" title="Most uncertain first: the image's least confident box">
          Order
          <select value={order} onChange={(e) => setOrder(e.target.value as 'confidence' | 'count')}>
            <option value="confidence">lowest confidence first</option>
            <option value="count">most boxes first</option>
          </select>
        </label>
        <span className="grow" />
        <button className="primary" onClick={() => open(0)} disabled={!items?.length} data-testid="box-review-start" title="Open these images in the labeling view: Enter accepts all boxes of an image">
          Review {items?.length ? `${items.length}${next ? '+' : ''} images` : ''}
        </button>
      </div>
      {items === null ? (
        <p className="muted">Loading…</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <h3>No {status} teacher boxes</h3>
          <p>Import an ONNX detector (YOLOv5 or YOLOv8 output) as a teacher and pseudo-label images: its boxes are reviewed here.</p>
        </div>
      ) : (
        <ul className="box-review-list">
          {items.map((it, i) => (
            <li key={it.imageId}>
              <button className="box-review-item" onClick={() => open(i)} data-testid="box-review-item" data-image-id={it.imageId}>
                <img src={mediaUrl(it.imageId, 'thumb')} alt="" loading="lazy" />
                <span className="file-name">{it.fileName}</span>
                <span className="muted small">
                  {it.boxes} box{it.boxes === 1 ? '' : 'es'} · lowest {pct(it.minConfidence)}
                </span>
                <span className="box-review-classes">
                  {it.classIds.map((id) => {
                    const c = cls.find((k) => k.id === id);
                    return (
                      <i key={id} style={{ '--c': c?.color ?? '#9aa0a6' } as CSSProperties} title={c?.name ?? 'no class'} />
                    );
                  })}
                </span>
              </button>
            </li>
          ))}
          {next && (
            <li>
              <button onClick={more}>Load more</button>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
