export { trainLoop, type LoopConfig, type LoopCallbacks, type LoopResult, type BatchProgress } from './train-loop';
export { encodeCheckpoint, decodeCheckpoint, type Checkpoint, type EpochReport, type NamedArray } from './checkpoint';
export { gatherRows, hardLabels, subset, classTargets, targetWidth, type TensorData } from './data';
export { predictProbabilities, lossAndAccuracy } from './predict';
