export { loadBackbone, type Backbone } from './backbone';
export { backboneFeatures } from './features';
export { buildHead, composeWithHead } from './head';
