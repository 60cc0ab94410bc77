export { JobRunner, type JobEvents } from './runner';
export type { JobContext, ProgressUpdate } from './types';
