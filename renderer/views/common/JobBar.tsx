/** A progress bar for a running job, in the style of the top bar's; without progress (not started, or no steps) it is indeterminate. */
import type { JobProgress } from '../../../src/api/types';

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
