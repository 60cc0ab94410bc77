export * from './formats';
export * from './scan';
export * from './csv';
export * from './ingest';
export * from './files';
export { imagePixels, decodeImages } from './pixels';
export type { PixelSpec } from './pixel-spec';
