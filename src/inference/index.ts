/**
 * Inference as the rest of Apprentice sees it: pseudo-labeling and soft labels. Light on purpose
 * (no onnxruntime, no TensorFlow.js): the ONNX side lives behind ./onnx, which only the engine
 * worker imports.
 */
export { pseudoLabel, type PseudoLabelInput } from './pseudo-label';
export { soften, entropy, margin, classMapping, toProjectOrder } from './soft-labels';
export { decodeYolo, detectYoloLayout, DETECTOR_ARCH, type YoloLayout } from './yolo-decode';
export { pseudoLabelBoxes, type Detections } from './pseudo-label-boxes';
export { sidecarPath, type SpecOverrides } from './onnx-spec';
