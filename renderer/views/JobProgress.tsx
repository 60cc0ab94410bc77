/** Running jobs: phase, step/total, time left, and a Cancel button. */
import { cancelJob, JOB_TITLES, jobs, type ActiveJob } from '../state/jobs';
import { useStore } from '../state/store';
import { ignore } from '../state/toasts';

function eta(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s) || s < 0) return '';
  if (s < 60) return `about ${Math.max(1, Math.round(s))} s left`;
  if (s < 3600) return `about ${Math.round(s / 60)} min left`;
  return `about ${(s / 3600).toFixed(1)} h left`;
}

function title(kind: string): string {
  return JOB_TITLES[kind] ?? kind;
}

function JobRow({ job }: { job: ActiveJob }) {
  const p = job.progress;
  const frac = p && p.total > 0 ? Math.min(1, p.step / p.total) : null;
  return (
    <div className="job" data-testid="job-progress" data-job-id={job.jobId}>
      <div className="job-text">
        <b>{title(job.kind)}</b>
        {job.cancelling ? <span>cancelling…</span> : !p ? <span>starting</span> : !title(job.kind).toLowerCase().startsWith(p.phase.toLowerCase()) && <span>{p.phase}</span>}
        {p && p.total > 0 && (
          <span>
            {p.step.toLocaleString()} / {p.total.toLocaleString()}
          </span>
        )}
        <span className="muted">{eta(p?.etaS)}</span>
      </div>
      <div
        className={`progress${frac === null ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={frac === null ? undefined : Math.round(frac * 100)}
      >
        <div className="progress-fill" style={frac === null ? undefined : { width: `${frac * 100}%` }} />
      </div>
      <button data-testid="job-cancel" onClick={() => cancelJob(job.jobId).catch(ignore)} disabled={job.cancelling}>
        Cancel
      </button>
    </div>
  );
}

export function JobProgressList() {
  const list = useStore(jobs);
  return (
    <>
      {list.map((j) => (
        <JobRow key={j.jobId} job={j} />
      ))}
    </>
  );
}
