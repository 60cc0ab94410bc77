// The contract of long work is defined in src/api (the lowest floor), so that media, annotation
// and every floor above can take a JobContext without importing the runner; re-exported here.
export type { JobContext, JobScopeHandle, ProgressUpdate } from '../api/job-context';
