export * from './formats';
export * from './scan';
export * from './csv';
export * from './ingest';
export * from './files';
export { importImages, collectCandidates, type ImportInput } from './import';
export { imagePixels, decodeImages, type PixelSpec } from './pixels';
