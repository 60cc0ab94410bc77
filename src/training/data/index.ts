export { projectInputSpec, type InputSpec } from './input-spec';

export { loadProjectData, labeledRows, splitRows, type ProjectData, type ProjectSplit, type LabeledRow } from './project-data';
export { readFashionMnist, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type ImageSplit } from './fashion-mnist';
