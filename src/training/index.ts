/**
 * The training engine, as the rest of Apprentice sees it. Everything exported here is light:
 * TensorFlow.js is loaded only inside the engine worker (run/worker-entry.ts), never on the
 * thread that serves the UI.
 */
export { trainInWorker, evaluateInWorker, predictInWorker, exportInWorker, importTeacherInWorker, detectInWorker } from './run/train-job';
export type { RunOutcome } from './run/run-training';
export { parseTrainOptions, type TrainOptions } from './run/options';
export { projectInputSpec, type InputSpec } from './data/input-spec';
export { augmentationPreviewPng } from './augment-preview';
export { zooEntries, isDownloaded, type ZooEntry } from './transfer/zoo';
export { trainDetectorJob, type DetectorTrainResult } from './detect/job';
export { PROJECT_DETECTOR_ARCH } from './detect/arch';
