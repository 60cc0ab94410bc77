/**
 * Metrics from predictions (accuracy, top-k, per-class precision/recall/F1, confusion matrix,
 * most confident mistakes) and K-fold helpers. Plain arrays in, JSON-safe numbers out.
 */
export {
  accuracy,
  checkPredictions,
  confusionMatrix,
  evaluateClassification,
  macroAverage,
  misclassifiedExamples,
  perClassMetrics,
  predictedClasses,
  topKAccuracy,
  type ClassMetrics,
  type Evaluation,
  type Misclassified,
} from './metrics.js';
export { kfoldSplits, type Fold } from './kfold.js';
export { meanAndStd } from './stats.js';
export { evaluateMultiLabel, multiLabelSummary, predictedSet, MULTI_LABEL_THRESHOLD, type MultiLabelEvaluation, type MultiLabelMiss } from './multi-label.js';
