/**
 * Export: trained tfjs models -> ONNX (with a parity check against tfjs) and -> tfjs files.
 *
 *   const bytes = exportOnnx(model, metadata, { apprenticeVersion: APP_VERSION });
 *   const { verified, maxAbsDiff } = await verifyOnnx(bytes, model, samples, n);
 *   const result = await exportModel({ model, meta, format: 'onnx', out, verify: true });  // the CLI verb
 */
export { exportOnnx, ONNX_NAMES, ONNX_OPSET, ONNX_IR_VERSION, PRODUCER_NAME, type OnnxExportOptions } from './onnx-writer';
export { verifyOnnx, randomSamples, VERIFY_MAX_ABS_DIFF, VERIFY_TOP1_AGREEMENT, type VerifyResult } from './verify';
export { readOnnxMetadata, METADATA_KEYS, type ExportMetadata, type OnnxFileInfo, type PreprocessingSpec } from './metadata';
export { exportTfjs, loadTfjsExport, TFJS_FILES } from './tfjs-export';
export { exportModel, type ExportFormat, type ExportModelInput, type ExportModelResult, type ExportJobContext } from './export-model';
export { UnsupportedLayerError, SUPPORTED_LAYERS } from './converters';
export { exportReadme, labelsText } from './readme';
export { composeOnnxBackboneWithHead, type HeadWeights } from './onnx-compose';
export { exportDetectorOnnx, detectorParity, detectorReadme, yoloRowsFromGrid, ultralyticsNamesText, DETECTOR_OUTPUT, type DetectorExportMetadata, type DetectorParity } from './detector-onnx';
