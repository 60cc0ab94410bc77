export * from './errors';
export * from './types';
export * from './schemas';
export * from './methods';
export * from './job-kinds';
export * from './contract';
export type { JobContext, JobScopeHandle, ProgressUpdate } from './job-context';
export { validateInput } from './validate';
export * from './formats';
