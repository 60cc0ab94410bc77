/**
 * A confusion matrix as a heatmap table: rows are the true classes, columns the predicted ones,
 * counts in the cells, shaded by the row-normalized value (blue where right, red where wrong).
 */
import type { CSSProperties } from 'react';

interface Props {
  classes: string[];
  confusion: number[][];
}

export function ConfusionMatrix({ classes, confusion }: Props) {
  const n = classes.length;
  const dense = n > 12;
  const total = confusion.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
  if (n === 0 || confusion.length === 0) return <p className="muted">No confusion matrix was recorded for this model.</p>;
  return (
    <div className="cm-wrap">
      <table className={`cm${dense ? ' dense' : ''}`} data-testid="confusion-matrix" data-total={total}>
        <thead>
          <tr>
            <th className="cm-corner">
              <span className="cm-axis-pred">predicted →</span>
              <span className="cm-axis-true">true ↓</span>
            </th>
            {classes.map((c) => (
              <th key={c} scope="col" className="cm-col" title={`predicted ${c}`}>
                <span>{c}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {classes.map((t, i) => {
            const row = confusion[i] ?? [];
            const sum = row.reduce((a, v) => a + v, 0);
            return (
              <tr key={t}>
                <th scope="row" className="cm-row" title={`true ${t}: ${sum} images`}>
                  {t}
                </th>
                {classes.map((p, j) => {
                  const v = row[j] ?? 0;
                  const share = sum > 0 ? v / sum : 0;
                  const style = { '--a': (0.08 + 0.82 * share).toFixed(3) } as CSSProperties;
                  return (
                    <td
                      key={p}
                      className={`cm-cell${i === j ? ' diag' : ''}${v === 0 ? ' zero' : ''}${share > 0.55 ? ' strong' : ''}`}
                      style={v > 0 ? style : undefined}
                      data-count={v}
                      data-true={t}
                      data-pred={p}
                      title={`true ${t}, predicted ${p}: ${v} (${Math.round(share * 100)}% of ${t})`}
                    >
                      {dense ? '' : v}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
