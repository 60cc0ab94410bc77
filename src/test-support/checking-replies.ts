/**
 * Replies checked against the descriptors' result schemas (api/methods.ts, api/job-kinds.ts), so
 * the schemas the API's types are inferred from say what the methods really return. Tests only:
 * production calls are not parsed twice.
 */
import type { z } from 'zod';
import type { AppApi, MethodResults } from '../api/contract';
import { jobKind } from '../api/job-kinds';
import { methods, type Method, type MethodInput } from '../api/methods';
import type { JobInfo } from '../api/types';
import { AppService } from '../service';

/** Throws when a value does not fit a result schema, naming the method and every field that does not. */
function mustFit(schema: z.ZodType, value: unknown, what: string): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`${what} does not match its result schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`).join('; ')}`);
  }
}

/** Checks one reply with its method's result schema, and a finished job's result (jobs.get, jobs.list) with its kind's. */
export function checkReply(method: Method, value: unknown): void {
  mustFit(methods[method].result, value, `${method}'s reply`);
  if (method === 'jobs.get' || method === 'jobs.list') {
    for (const job of (Array.isArray(value) ? value : [value]) as JobInfo[]) {
      const kind = jobKind(job.kind);
      if (job.state === 'done' && kind) mustFit(kind.result, job.result, `the result of the ${job.kind} job`);
    }
  }
}

/** The client, with each reply checked (checkReply) before the caller sees it. */
export function checkingReplies(api: AppApi): AppApi {
  return {
    async invoke(method, input) {
      const value = await api.invoke(method, input);
      checkReply(method, value);
      return value;
    },
    on: api.on.bind(api),
  };
}

/** The service with each reply checked (checkReply); `waitForJob` goes through jobs.get, so job results are too. */
export class CheckedService extends AppService {
  override async invoke<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodResults[M]> {
    const value = await super.invoke(method, input);
    checkReply(method, value);
    return value;
  }
}
