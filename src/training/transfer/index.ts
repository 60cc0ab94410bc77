export { loadBackbone, loadOnnxBackbone, isOnnxBackboneRef, type Backbone, type OnnxBackbone } from './backbone';
export { backboneFeatures } from './features';
export { buildHead, composeWithHead } from './head';
export { zooEntries, downloadZooModel, isDownloaded, zooDir, type ZooEntry } from './zoo';
