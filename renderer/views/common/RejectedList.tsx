/** Entries a dataset import or export skipped (or converted), in a scrolling list: file, line or JSON path, reason. */

export interface Rejected {
  file: string;
  where: string | null;
  reason: string;
}

export function RejectedList({ items, testid, verb = 'Skipped' }: { items: Rejected[]; testid: string; verb?: string }) {
  if (!items.length) return null;
  return (
    <div className="dataset-rejected">
      <div className="small">
        {verb} {items.length.toLocaleString()} {items.length === 1 ? 'entry' : 'entries'}:
      </div>
      <ul className="dataset-rejected-list" data-testid={testid}>
        {items.slice(0, 1000).map((e, i) => (
          <li key={i}>
            <code title={e.file}>{e.file}</code>
            <span className="where">{e.where}</span>
            <span className="reason">{e.reason}</span>
          </li>
        ))}
        {items.length > 1000 && <li className="muted">… and {(items.length - 1000).toLocaleString()} more</li>}
      </ul>
    </div>
  );
}
