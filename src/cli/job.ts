import { AppError } from '../api/errors';
import type { AppService } from '../service';
import type { Output } from './output';

/**
 * Aborted by the first SIGINT (Ctrl-C) or SIGTERM the command receives (see main.ts): the job
 * being waited for is cancelled, the verb fails with CANCELLED, and the service then closes in
 * order (jobs torn down, database closed) before the process exits.
 */
export const interrupted = new AbortController();

/** Start a job, show its progress, wait for its end; an interrupt cancels it (what was done so far is kept). */
export async function runJob(service: AppService, start: () => Promise<{ jobId: string }>, out: Output): Promise<unknown> {
  const off = service.on('jobProgress', (p) => out.progress(p));
  const { jobId } = await start();
  const cancel = () => void service.invoke('jobs.cancel', { jobId });
  if (interrupted.signal.aborted) cancel();
  interrupted.signal.addEventListener('abort', cancel);
  try {
    const job = await service.waitForJob(jobId);
    out.endProgress();
    if (job.state === 'failed') throw new AppError((job.error?.code as never) ?? 'INTERNAL', job.error?.message ?? 'The job failed.');
    if (job.state === 'cancelled') throw new AppError('CANCELLED', 'Cancelled; what was done before the cancel is kept.', job.result);
    return job.result;
  } finally {
    interrupted.signal.removeEventListener('abort', cancel);
    off();
  }
}
