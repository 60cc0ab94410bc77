/** The training engine: what the rest of Apprentice uses. */
export { trainInWorker, evaluateInWorker, predictInWorker } from './run/train-job';
export { runTraining, type RunOutcome, type RunContext } from './run/run-training';
export { parseTrainOptions, type TrainOptions } from './run/options';
export { projectInputSpec, loadProjectData, type InputSpec } from './data';
export { loadModelFiles, saveModelFiles, type ModelMetadata } from './model-files';
export { selectTrainingBackend, type TrainingBackendInfo } from './backend';
export { ARCHITECTURES, defaultArchitecture, type ArchitectureName } from './models';
export { predictImages, evaluateModel, resolveModelDir, type Prediction } from './run/predict-model';
