export { saveModelFiles, loadModelFiles, type ModelMetadata } from './model-files';
