/**
 * The box student's run in the Train view: what it is doing, a cancel, and per epoch the training
 * loss and the validation mAP@0.5; at the end its test mAP (or why it stopped).
 */
import { ignore } from '../state/toasts';
import { detectorRun } from '../state/detectorRun';
import { cancelJob } from '../state/jobs';
import { useStore } from '../state/store';
import { fixed, pct } from './format';
import { LineChart } from './LineChart';
import { cancelledNote } from './TrainingCurves';

export function DetectorRunPanel() {
  const run = useStore(detectorRun);
  if (!run) return null;
  const active = run.state === 'running';
  const frac = run.total > 0 ? Math.min(1, run.step / run.total) : null;
  const xMax = Math.max(run.epochs ?? 1, run.points.length, 1);
  const last = run.points.at(-1);
  // A cancelled run will get no more points: say so instead of waiting for them.
  const empty = run.state === 'cancelled' ? cancelledNote(run.points.length, run.epochs ?? run.points.length) : 'Waiting for the first epoch…';
  return (
    <div className="card run-status detector-run" data-testid="detector-run" data-state={run.state}>
      <div className="run-line">
        <b>Detector</b>{' '}
        {active ? `${run.phase}${last ? ` · epoch ${last.epoch}${run.epochs ? ` / ${run.epochs}` : ''}` : ''}` : run.state === 'done' ? 'trained' : run.state}
        {run.result && (
          <span data-testid="detector-run-map">
            {' '}
            · {run.result.metrics.split} mAP@0.5 <b>{pct(run.result.metrics.accuracy)}</b>
          </span>
        )}
        {run.error && <span className="error"> · {run.error}</span>}
        <span className="grow" />
        {active && (
          <button onClick={() => cancelJob(run.jobId).catch(ignore)} data-testid="detector-cancel">
            Cancel
          </button>
        )}
      </div>
      {active && (
        <div className={`progress${frac === null ? ' indeterminate' : ''}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={frac === null ? undefined : Math.round(frac * 100)}>
          <div className="progress-fill" style={frac === null ? undefined : { width: `${frac * 100}%` }} />
        </div>
      )}
      <div className="curves">
        <LineChart title="Loss" series={[{ id: 'loss', label: 'train', color: '#4f8cff', dots: true, points: run.points.map((p) => ({ x: p.epoch, y: p.loss })) }]} xMax={xMax} yFormat={(v) => fixed(v, 2)} height={160} empty={empty} />
        <LineChart
          title="Validation mAP@0.5"
          series={[{ id: 'map', label: 'validation', color: '#f0883e', dots: true, hollow: true, points: run.points.map((p) => ({ x: p.epoch, y: p.valMap })) }]}
          xMax={xMax}
          yMax={1}
          yFormat={(v) => `${Math.round(v * 100)}%`}
          height={160}
          testId="detector-map-curve"
          empty={empty}
        />
      </div>
    </div>
  );
}
