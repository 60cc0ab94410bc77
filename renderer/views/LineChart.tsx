/**
 * A small SVG line chart for training curves: epochs along x, a few series, axes with round
 * ticks and a legend. Points of series with `dots` carry `data-epoch` (tests count them) and a
 * tooltip. Sized to its container.
 */
import { useLayoutEffect, useRef, useState } from 'react';

export interface ChartPoint {
  x: number;
  y: number;
}

export interface ChartSeries {
  id: string;
  label: string;
  color: string;
  points: ChartPoint[];
  /** Draw a dot per point (epoch series); off for dense series like the batch loss. */
  dots?: boolean;
  /** Rings instead of filled dots, so a series lying on another stays visible. */
  hollow?: boolean;
  dashed?: boolean;
  faint?: boolean;
}

interface Props {
  title: string;
  series: ChartSeries[];
  /** The x axis runs from 0 (or 1) to at least this. */
  xMax: number;
  xMin?: number;
  /** Fixed y range (accuracy: 0..1); otherwise 0..max of the data. */
  yMax?: number;
  yFormat?(v: number): string;
  height?: number;
  testId?: string;
  empty?: string;
}

const PAD = { left: 44, right: 12, top: 10, bottom: 26 };

/** Round tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function pathOf(points: ChartPoint[], sx: (x: number) => number, sy: (y: number) => number): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

export function LineChart({ title, series, xMax, xMin = 0, yMax, yFormat = (v) => String(v), height = 200, testId, empty }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth);
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  const finite = series.flatMap((s) => s.points.map((p) => p.y)).filter(Number.isFinite);
  const hasData = finite.length > 0;
  const top = yMax ?? (hasData ? Math.max(...finite) * 1.08 || 1 : 1);
  const xTop = Math.max(xMax, xMin + 1, ...series.flatMap((s) => s.points.map((p) => p.x)));
  const w = Math.max(0, width - PAD.left - PAD.right);
  const h = height - PAD.top - PAD.bottom;
  const sx = (x: number) => PAD.left + ((x - xMin) / (xTop - xMin)) * w;
  const sy = (y: number) => PAD.top + h - (Math.max(0, Math.min(top, y)) / top) * h;
  const yTicks = niceTicks(0, top, 4).filter((t) => t <= top);
  const xTicks = niceTicks(xMin, xTop, Math.max(2, Math.min(8, Math.floor(w / 70)))).filter((t) => Number.isInteger(t));
  const many = Math.max(0, ...series.map((s) => s.points.length)) > 60;

  return (
    <figure className="chart">
      <figcaption className="chart-head">
        <span className="chart-title">{title}</span>
        <span className="chart-legend">
          {series.map((s) => (
            <span key={s.id} className={`legend-item${s.faint ? ' faint' : ''}`}>
              <svg width="18" height="8" aria-hidden="true">
                <line x1="1" y1="4" x2="17" y2="4" stroke={s.color} strokeWidth={2} strokeDasharray={s.dashed ? '4 3' : undefined} />
              </svg>
              {s.label}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="chart-box" ref={boxRef} style={{ height }}>
        {width > 0 && (
          <svg width={width} height={height} data-testid={testId} role="img" aria-label={title}>
            <g className="chart-grid">
              {yTicks.map((t) => (
                <g key={`y${t}`}>
                  <line x1={PAD.left} x2={PAD.left + w} y1={sy(t)} y2={sy(t)} />
                  <text x={PAD.left - 6} y={sy(t)} dy="0.32em" textAnchor="end">
                    {yFormat(t)}
                  </text>
                </g>
              ))}
              {xTicks.map((t) => (
                <text key={`x${t}`} x={sx(t)} y={PAD.top + h + 16} textAnchor="middle">
                  {t}
                </text>
              ))}
              <line className="chart-axis" x1={PAD.left} x2={PAD.left + w} y1={PAD.top + h} y2={PAD.top + h} />
              <line className="chart-axis" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={PAD.top + h} />
              <text className="chart-axis-label" x={PAD.left - 6} y={PAD.top + h + 16} textAnchor="end">
                epoch
              </text>
            </g>
            {series.map((s) => (
              <g key={s.id} className="chart-series" data-series={s.id} opacity={s.faint ? 0.45 : 1}>
                <path d={pathOf(s.points, sx, sy)} fill="none" stroke={s.color} strokeWidth={s.faint ? 1.25 : 2} strokeDasharray={s.dashed ? '5 4' : undefined} strokeLinejoin="round" />
                {s.dots &&
                  s.points
                    .filter((p) => Number.isFinite(p.y))
                    .map((p) => (
                      <circle
                        key={p.x}
                        cx={sx(p.x)}
                        cy={sy(p.y)}
                        r={(many ? 1.75 : 3) + (s.hollow ? 1.25 : 0)}
                        fill={s.hollow ? 'none' : s.color}
                        stroke={s.hollow ? s.color : undefined}
                        strokeWidth={s.hollow ? 1.5 : undefined}
                        data-epoch={p.x}
                        data-series={s.id}
                      >
                        <title>{`${s.label}, epoch ${p.x}: ${yFormat(p.y)}`}</title>
                      </circle>
                    ))}
              </g>
            ))}
            {!hasData && (
              <text className="chart-empty" x={PAD.left + w / 2} y={PAD.top + h / 2} textAnchor="middle">
                {empty ?? 'No data yet'}
              </text>
            )}
          </svg>
        )}
      </div>
    </figure>
  );
}
