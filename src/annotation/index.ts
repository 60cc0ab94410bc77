export { labeledImages, type IncludeSource, type LabeledImage } from './labeled-images';
export { exportImageFolder } from './formats/imagefolder';
export { exportCsv } from './formats/csv';
export { exportDataset, exportDatasetAs } from './dataset-export';
export { importImages, collectCandidates, type ImportInput } from './import-images';
export { boxFromCenter, iou, nonMaxSuppression, type Box, type ScoredBox } from './geometry';
