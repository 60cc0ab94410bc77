/** The ONNX half of inference (onnxruntime, protobuf parsing): for the engine worker only. */
export { resolveOnnxSpec, type DetectorSpec, type OnnxInputSpec, type SpecOverrides } from './onnx-spec';
export { OnnxClassifier } from './onnx-classifier';
export { OnnxDetector, teacherOutput } from './onnx-detector';
export { importOnnxTeacher, isOnnxModelDir, ONNX_MODEL_FILE, ONNX_SPEC_FILE } from './import-teacher';
