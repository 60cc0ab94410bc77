import { AppError } from '../api/errors';
import type { AppService } from '../service';
import type { Output } from './output';

/**
 * Start a job, show its progress, wait for its end. Ctrl-C cancels the job (what was done so
 * far is kept) and the verb then fails with CANCELLED.
 */
export async function runJob(service: AppService, start: () => Promise<{ jobId: string }>, out: Output): Promise<unknown> {
  const off = service.on('jobProgress', (p) => out.progress(p));
  const { jobId } = await start();
  const onSigint = () => void service.invoke('jobs.cancel', { jobId });
  process.on('SIGINT', onSigint);
  try {
    const job = await service.waitForJob(jobId);
    out.endProgress();
    if (job.state === 'failed') throw new AppError((job.error?.code as never) ?? 'INTERNAL', job.error?.message ?? 'The job failed.');
    if (job.state === 'cancelled') throw new AppError('CANCELLED', 'Cancelled; what was done before the cancel is kept.', job.result);
    return job.result;
  } finally {
    process.off('SIGINT', onSigint);
    off();
  }
}
