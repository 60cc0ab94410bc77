/**
 * What jobs and a few requests run on: training, dataset import/export and inference, and the
 * libraries they load (sharp, TensorFlow.js, onnxruntime, the format parsers). service.ts imports
 * this module on first use, so opening a project and reading it (`apprentice stats`, the studio's
 * first requests) loads none of them.
 */
export {
  augmentationPreviewPng, detectInWorker, evaluateInWorker, exportInWorker, importTeacherInWorker, isDownloaded,
  parseTrainOptions, predictInWorker, projectInputSpec, trainDetectorJob, zooEntries, PROJECT_DETECTOR_ARCH,
} from '../training';
export { exportDatasetAs, importImages } from '../annotation';
export { DETECTOR_ARCH, pseudoLabel, pseudoLabelBoxes } from '../inference';
export { listRounds, selfTrainJob, trainJob } from './model-jobs';
