export * from './errors';
export * from './types';
export * from './schemas';
export * from './contract';
export { validateInput } from './validate';
