/** The studio's HTTP API called from inside the page (it carries the session cookie), for browser benchmarks. */
import type { Page } from 'playwright-core';

export async function pageApi(page: Page, method: string, input: unknown): Promise<unknown> {
  return page.evaluate(
    async ([m, i]) => {
      const res = await fetch(`/api/${m}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(i) });
      const reply = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
      if (!reply.ok) throw new Error(reply.error?.message);
      return reply.value;
    },
    [method, input] as const,
  );
}

export async function waitForJob(page: Page, jobId: string): Promise<void> {
  for (;;) {
    const job = (await pageApi(page, 'jobs.get', { jobId })) as { state: string; error: { message: string } | null };
    if (job.state === 'done') return;
    if (job.state !== 'running') throw new Error(`job ${job.state}: ${job.error?.message}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
