/** How a dialog's job ended when it did not succeed: cancelled (with what that leaves), or failed with the core's reason. */
import type { JobEnd } from '../../state/jobs';

interface Props {
  end: JobEnd;
  testId: string;
  /** The whole sentence for a cancelled job. */
  cancelled: string;
  /** "Import failed": the reason follows. */
  failed: string;
}

export function JobFailure({ end, testId, cancelled, failed }: Props) {
  return (
    <div className="export-result error small" data-testid={testId} data-state={end.state}>
      {end.state === 'cancelled' ? cancelled : `${failed}: ${end.error ?? 'unknown error'}`}
    </div>
  );
}
