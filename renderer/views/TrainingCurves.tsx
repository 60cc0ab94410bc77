/** Loss and accuracy per epoch, train and validation, side by side; used by Train and Models. */
import type { ChartSeries } from './LineChart';
import { LineChart } from './LineChart';
import { fixed } from './format';

export interface CurvePoint {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

const TRAIN = '#4f8cff';
const VAL = '#f0883e';
const BATCH = '#8b949e';

interface Props {
  points: CurvePoint[];
  /** The running loss of each batch, x in fractional epochs. */
  batchLoss?: { x: number; loss: number }[];
  epochs: number;
  /** data-testid of the loss chart's svg (the accuracy chart gets `${testId}-accuracy`). */
  testId?: string;
  height?: number;
  /** Why no more points will come (e.g. "Cancelled after 3 epochs of 60"): shown above the charts and in place of their "Waiting for…". */
  stopped?: string;
}

/** The charts' note for a run cancelled after `done` of `of` epochs. */
export function cancelledNote(done: number, of: number): string {
  return `Cancelled after ${done} epoch${done === 1 ? '' : 's'} of ${of}`;
}

export function TrainingCurves({ points, batchLoss, epochs, testId, height = 200, stopped }: Props) {
  const hasVal = points.some((p) => p.valLoss !== undefined);
  const loss: ChartSeries[] = [];
  if (batchLoss && batchLoss.length > 0) {
    loss.push({ id: 'batch', label: 'batch', color: BATCH, points: batchLoss.map((b) => ({ x: b.x, y: b.loss })), faint: true });
  }
  loss.push({ id: 'train', label: 'train', color: TRAIN, dots: true, points: points.map((p) => ({ x: p.epoch, y: p.loss })) });
  if (hasVal) loss.push({ id: 'val', label: 'validation', color: VAL, dots: true, hollow: true, dashed: true, points: points.map((p) => ({ x: p.epoch, y: p.valLoss ?? NaN })) });
  const acc: ChartSeries[] = [{ id: 'train', label: 'train', color: TRAIN, dots: true, points: points.map((p) => ({ x: p.epoch, y: p.accuracy })) }];
  if (hasVal) acc.push({ id: 'val', label: 'validation', color: VAL, dots: true, hollow: true, dashed: true, points: points.map((p) => ({ x: p.epoch, y: p.valAccuracy ?? NaN })) });
  const xMax = Math.max(epochs, 1);
  return (
    <div className="curves">
      {stopped && (
        <p className="muted small curves-stopped" data-testid="curves-stopped">
          {stopped}
        </p>
      )}
      <LineChart title="Loss" series={loss} xMax={xMax} yFormat={(v) => fixed(v, 2)} testId={testId} height={height} empty={stopped ?? 'Waiting for the first batch…'} />
      <LineChart
        title="Accuracy"
        series={acc}
        xMax={xMax}
        yMax={1}
        yFormat={(v) => `${Math.round(v * 100)}%`}
        testId={testId ? `${testId}-accuracy` : undefined}
        height={height}
        empty={stopped ?? 'Waiting for the first epoch…'}
      />
    </div>
  );
}
