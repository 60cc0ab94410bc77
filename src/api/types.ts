/**
 * Plain data shapes returned by AppApi, written as zod schemas: each type is the `z.infer` of its
 * schema, so the shape is stated once. No behaviour here: these cross IPC and HTTP as JSON.
 * Replies are parsed with these in the contract tests (which keeps them honest), not on every call.
 */
import { z } from 'zod';

export const taskSchema = z.enum(['classify', 'detect', 'segment']);
export const splitSchema = z.enum(['train', 'val', 'test', 'unlabeled']);
export const annotationSourceSchema = z.enum(['human', 'pseudo', 'model']);
export const annotationStatusSchema = z.enum(['pending', 'accepted', 'rejected', 'corrected']);
export type Task = z.infer<typeof taskSchema>;
export type Split = z.infer<typeof splitSchema>;
export type AnnotationSource = z.infer<typeof annotationSourceSchema>;
export type AnnotationStatus = z.infer<typeof annotationStatusSchema>;

/** A count per status / per split, every key present. */
const statusCounts = z.object({ pending: z.number(), accepted: z.number(), rejected: z.number(), corrected: z.number() });
const splitCounts = z.object({ train: z.number(), val: z.number(), test: z.number(), unlabeled: z.number() });

export const classInfoSchema = z.object({
  id: z.number(),
  name: z.string(),
  color: z.string(),
  position: z.number(),
});
export type ClassInfo = z.infer<typeof classInfoSchema>;

export const projectInfoSchema = z.object({
  dir: z.string(),
  name: z.string(),
  task: taskSchema,
  classes: z.array(classInfoSchema),
  /** Goes into image URLs (/media/<mediaKey>/<id>/...): new on every open, so no project sees another's cached images. */
  mediaKey: z.string(),
});
export type ProjectInfo = z.infer<typeof projectInfoSchema>;

export const recentProjectSchema = z.object({
  dir: z.string(),
  name: z.string(),
  openedAt: z.string(),
});
export type RecentProject = z.infer<typeof recentProjectSchema>;

export const imageSummarySchema = z.object({
  id: z.number(),
  fileName: z.string(),
  originalPath: z.string(),
  width: z.number(),
  height: z.number(),
  split: splitSchema,
  /** The image-level class (human tag, or an accepted/corrected pseudo tag); null when unlabeled. */
  classId: z.number().nullable(),
});
export type ImageSummary = z.infer<typeof imageSummarySchema>;

export const imagePageSchema = z.object({
  items: z.array(imageSummarySchema),
  /** Number of images matching the filter: lets a virtualized grid size its scrollbar. */
  total: z.number(),
  offset: z.number(),
});
export type ImagePage = z.infer<typeof imagePageSchema>;

export const annotationSchema = z.object({
  id: z.number(),
  imageId: z.number(),
  classId: z.number().nullable(),
  /** Polylines, points and masks come from imported datasets (CVAT, COCO RLE); the canvas draws boxes and polygons. */
  kind: z.enum(['tag', 'box', 'polygon', 'polyline', 'points', 'mask']),
  geometry: z.unknown(),
  /** Flags and attributes a dataset gave the region (VOC difficult, CVAT occluded/z_order/attributes, COCO iscrowd), or null. */
  attributes: z.record(z.string(), z.unknown()).nullable(),
  source: annotationSourceSchema,
  modelId: z.string().nullable(),
  round: z.number().nullable(),
  confidence: z.number().nullable(),
  softLabel: z.array(z.number()).nullable(),
  status: annotationStatusSchema,
  author: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Annotation = z.infer<typeof annotationSchema>;

/** A box, normalized to [0, 1] of the EXIF-upright image: top-left corner and size. */
export const boxGeometryResultSchema = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });
export type BoxGeometry = z.infer<typeof boxGeometryResultSchema>;
/** A polygon, normalized to [0, 1] of the EXIF-upright image. */
export const polygonGeometryResultSchema = z.object({ points: z.array(z.tuple([z.number(), z.number()])) });
export type PolygonGeometry = z.infer<typeof polygonGeometryResultSchema>;

/** A live box or polygon of an image, as the region editor shows it. */
export const regionSchema = z.object({
  id: z.number(),
  imageId: z.number(),
  classId: z.number().nullable(),
  kind: z.enum(['box', 'polygon']),
  geometry: z.union([boxGeometryResultSchema, polygonGeometryResultSchema]),
  source: annotationSourceSchema,
  status: annotationStatusSchema,
  confidence: z.number().nullable(),
  modelId: z.string().nullable(),
  round: z.number().nullable(),
});
export type Region = z.infer<typeof regionSchema>;

/** The regions of one image and whether its edit history can step back or forward. */
export const regionsStateSchema = z.object({
  imageId: z.number(),
  regions: z.array(regionSchema),
  canUndo: z.boolean(),
  canRedo: z.boolean(),
});
export type RegionsState = z.infer<typeof regionsStateSchema>;

export const imageDetailSchema = imageSummarySchema.extend({
  sha256: z.string(),
  format: z.string(),
  bytes: z.number(),
  createdAt: z.string(),
  annotations: z.array(annotationSchema),
});
export type ImageDetail = z.infer<typeof imageDetailSchema>;

export const statsSchema = z.object({
  images: z.number(),
  labeled: z.number(),
  unlabeled: z.number(),
  /** Per class: images labeled with it, and its regions (boxes and polygons drawn, or accepted or corrected). */
  classes: z.array(z.object({ name: z.string(), count: z.number(), regions: z.number() })),
  splits: splitCounts,
  pseudo: statusCounts,
  /** The pseudo boxes (from detector teachers) among `pseudo`, by status. */
  pseudoBoxes: statusCounts.optional(),
});
export type Stats = z.infer<typeof statsSchema>;

export const importErrorSchema = z.object({
  path: z.string(),
  reason: z.string(),
});
export type ImportError = z.infer<typeof importErrorSchema>;

export const importResultSchema = z.object({
  imported: z.number(),
  duplicates: z.number(),
  errors: z.array(importErrorSchema),
  /** Labels (class tags, boxes, polygons) a dataset gave for images already in the project (same bytes), attached to them. */
  attached: z.number().optional(),
  /**
   * Everything the import left out, one line each (CLI.md's `skipped: [{ item, reason }]`): an
   * image that could not be read or found, a label or region the dataset's files gave that could
   * not be kept. `item` is the file, with its line or JSON path where there is one.
   */
  skipped: z.array(z.object({ item: z.string(), reason: z.string() })).default([]),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/**
 * One annotation an export could not write as it is: `item` (CLI.md's name: the image with the
 * place in it, when there is one), the image's exported path, where, and why.
 */
const exportNoteSchema = z.object({ item: z.string(), file: z.string(), where: z.string(), reason: z.string() });

export const exportResultSchema = z.object({
  out: z.string(),
  images: z.number(),
  annotations: z.number(),
  /** What the format cannot hold, one entry per image and reason (nothing is left out without one). */
  skipped: z.array(exportNoteSchema).default([]),
  /** What was written in another form by the format's usual rule (a polygon as its box in VOC). */
  converted: z.array(exportNoteSchema).default([]),
});
export type ExportResult = z.infer<typeof exportResultSchema>;

export const jobStateSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobState = z.infer<typeof jobStateSchema>;

const jobErrorSchema = z.object({ code: z.string(), message: z.string() });

export const jobProgressSchema = z.object({
  jobId: z.string(),
  kind: z.string(),
  phase: z.string(),
  step: z.number(),
  total: z.number(),
  metrics: z.record(z.string(), z.number()).optional(),
  etaS: z.number().optional(),
  /** A short line for people, e.g. which training backend is running. */
  message: z.string().optional(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

export const jobInfoSchema = z.object({
  id: z.string(),
  kind: z.string(),
  state: jobStateSchema,
  progress: jobProgressSchema.nullable(),
  result: z.unknown(),
  error: jobErrorSchema.nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type JobInfo = z.infer<typeof jobInfoSchema>;

export const jobDoneSchema = z.object({
  jobId: z.string(),
  kind: z.string(),
  state: z.enum(['done', 'failed', 'cancelled']),
  result: z.unknown().optional(),
  error: jobErrorSchema.optional(),
});
export type JobDone = z.infer<typeof jobDoneSchema>;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** 'electron' | 'web' | 'in-process': which transport the renderer is on. */
  transport: z.string(),
  /** True when the host can show native folder dialogs (Electron). */
  nativeDialogs: z.boolean(),
  /** The folder new projects are created in when a relative name is given (web transport). */
  workspace: z.string().nullable(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const epochMetricsSchema = z.object({
  epoch: z.number(),
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number().optional(),
  valAccuracy: z.number().optional(),
  learningRate: z.number(),
  imagesPerSecond: z.number(),
  seconds: z.number(),
});
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;

export const classScoreSchema = z.object({
  name: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.number(),
});
export type ClassScore = z.infer<typeof classScoreSchema>;

export const detectionMetricsSchema = z.object({
  /** Mean over classes with boxes of the average precision at IoU 0.5. */
  map: z.number(),
  iouThreshold: z.number(),
  scoreThreshold: z.number(),
  /** Over all boxes, at the score threshold. */
  precision: z.number(),
  recall: z.number(),
  perClass: z.array(z.object({ name: z.string(), ap: z.number().nullable(), precision: z.number(), recall: z.number(), support: z.number() })),
  images: z.number(),
});
export type DetectionMetrics = z.infer<typeof detectionMetricsSchema>;

/**
 * A multi-label model (a sigmoid per class; an image may carry several classes): a class is
 * predicted at probability >= threshold. Its `accuracy` is the exact-match share (every class of
 * an image right) and its `perClass` scores are those decisions, class by class.
 */
export const multiLabelMetricsSchema = z.object({
  threshold: z.number(),
  exactMatch: z.number(),
  macroPrecision: z.number(),
  macroRecall: z.number(),
  macroF1: z.number(),
  /** Share of wrong (image, class) decisions. */
  hammingLoss: z.number(),
});
export type MultiLabelMetrics = z.infer<typeof multiLabelMetricsSchema>;

export const modelMetricsSchema = z.object({
  /** On the test split (or validation when there is no test split). */
  accuracy: z.number(),
  loss: z.number(),
  perClass: z.array(classScoreSchema),
  topK: z.object({ k: z.number(), accuracy: z.number() }).optional(),
  /** Which split the numbers are from. */
  split: z.enum(['test', 'val']),
  /** K-fold cross-validation, when asked for: mean and spread of the fold accuracies. */
  kfold: z.object({ k: z.number(), accuracies: z.array(z.number()), mean: z.number(), std: z.number() }).optional(),
  /**
   * A box detector (arch "detector"): mAP@0.5, also given as `accuracy` (and its per-class
   * precision and recall at the score threshold as `perClass`) so lists of models show it.
   */
  detection: detectionMetricsSchema.optional(),
  /** A multi-label model: `accuracy` is exact match, `perClass` at the threshold, no topK (see multiLabelMetricsSchema). */
  multiLabel: multiLabelMetricsSchema.optional(),
});
export type ModelMetrics = z.infer<typeof modelMetricsSchema>;

export const modelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  arch: z.string(),
  kind: z.enum(['trained', 'imported']),
  backend: z.string().nullable(),
  createdAt: z.string(),
  metrics: modelMetricsSchema.nullable(),
  classes: z.array(z.string()),
  params: z.number().nullable(),
  trainingSeconds: z.number().nullable(),
  /** The batch loop's images/s. */
  imagesPerSecond: z.number().nullable(),
  /** Images trained over the whole run's wall time (loading, validation, checkpoints, evaluation): what a user waits for. */
  wallImagesPerSecond: z.number().nullable(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

export const misclassificationSchema = z.object({
  imageId: z.number(),
  trueClass: z.string(),
  predictedClass: z.string(),
  confidence: z.number(),
});
export type Misclassification = z.infer<typeof misclassificationSchema>;

export const searchTrialSchema = z.object({
  trial: z.number(),
  params: z.record(z.string(), z.union([z.number(), z.string()])),
  score: z.number().nullable(),
});
export type SearchTrial = z.infer<typeof searchTrialSchema>;

export const onnxTeacherSpecSchema = z.object({
  layout: z.enum(['nchw', 'nhwc']),
  scale: z.number(),
  mean: z.array(z.number()),
  std: z.array(z.number()),
  uint8: z.boolean(),
  /** Set for YOLO-style detector teachers (arch "onnx-detector"). */
  detector: z.object({ yolo: z.enum(['v5', 'v8']), scoreThreshold: z.number(), iouThreshold: z.number(), maxBoxes: z.number() }).nullable(),
});
export type OnnxTeacherSpec = z.infer<typeof onnxTeacherSpecSchema>;

export const modelDetailSchema = modelInfoSchema.extend({
  history: z.array(epochMetricsSchema),
  confusion: z.array(z.array(z.number())),
  misclassified: z.array(misclassificationSchema),
  options: z.record(z.string(), z.unknown()),
  search: z.array(searchTrialSchema).nullable(),
  input: z.object({ height: z.number(), width: z.number(), channels: z.number() }),
  /** A distilled student's training data. */
  studentData: z.object({ human: z.number(), pseudo: z.number() }).optional(),
  /** An imported ONNX teacher: how images are fed to it, and for a detector how its boxes are decoded. */
  onnx: onnxTeacherSpecSchema.optional(),
  /**
   * Teachers: which project class each teacher class labels (by name; null = ignored). Imported
   * models always have it (by name, case-insensitive, unless a person changed it); others only
   * when a person set it.
   */
  classMap: z.record(z.string(), z.string().nullable()).optional(),
  /** A multi-label model: sigmoid outputs, several classes per image; its confusion matrix is empty. */
  multiLabel: z.boolean().optional(),
});
export type ModelDetail = z.infer<typeof modelDetailSchema>;

export const trainResultSchema = z.object({
  modelId: z.string(),
  backend: z.string(),
  epochs: z.number(),
  metrics: modelMetricsSchema,
  imagesPerSecond: z.number(),
  wallImagesPerSecond: z.number(),
  trainingSeconds: z.number(),
  trainedImages: z.number(),
  stoppedEarly: z.boolean(),
});
export type TrainResult = z.infer<typeof trainResultSchema>;

/** A keyset cursor: the sort value and image id of the last item of a page. */
const cursorSchema = z.object({ value: z.number(), imageId: z.number() });

export const reviewItemSchema = z.object({
  annotationId: z.number(),
  imageId: z.number(),
  fileName: z.string(),
  classId: z.number().nullable(),
  confidence: z.number(),
  entropy: z.number().nullable(),
  margin: z.number().nullable(),
  round: z.number().nullable(),
  modelId: z.string().nullable(),
  status: annotationStatusSchema,
  soft: z.array(z.number()).nullable(),
  humanClassId: z.number().nullable(),
});
export type ReviewItem = z.infer<typeof reviewItemSchema>;

export const reviewPageSchema = z.object({
  items: z.array(reviewItemSchema),
  next: cursorSchema.nullable(),
});
export type ReviewPage = z.infer<typeof reviewPageSchema>;

export const disagreementSchema = z.object({
  imageId: z.number(),
  fileName: z.string(),
  humanClassId: z.number(),
  teacherClassId: z.number(),
  confidence: z.number(),
  modelId: z.string().nullable(),
});
export type Disagreement = z.infer<typeof disagreementSchema>;

export const reviewCountsSchema = z.object({
  /** Pseudo tags and pseudo boxes (told apart by `kind`), per class, round and status. */
  byClassAndRound: z.array(
    z.object({ classId: z.number().nullable(), round: z.number().nullable(), status: annotationStatusSchema, count: z.number(), kind: z.enum(['tag', 'box']).optional() }),
  ),
  /** Review actions per minute over the last 10 minutes with activity. */
  imagesPerMinute: z.number(),
});
export type ReviewCounts = z.infer<typeof reviewCountsSchema>;

export const pseudoLabelResultSchema = z.object({
  labeled: z.number(),
  skipped: z.number(),
  errors: z.array(importErrorSchema),
  round: z.number(),
  unmappedClasses: z.array(z.string()),
  /** Set when the project had no classes and took the teacher's (these names). */
  adoptedClasses: z.array(z.string()).optional(),
  /** Detector teachers: pseudo boxes stored, and images where it found none (labeled with zero boxes). */
  boxes: z.number().optional(),
  emptyImages: z.number().optional(),
});
export type PseudoLabelResult = z.infer<typeof pseudoLabelResultSchema>;

/** One image with pseudo boxes to review (review.images). */
export const reviewImageItemSchema = z.object({
  imageId: z.number(),
  fileName: z.string(),
  /** Its pseudo boxes of the asked status (and class and round, when filtered). */
  boxes: z.number(),
  /** The lowest confidence among them: the most uncertain box. */
  minConfidence: z.number(),
  classIds: z.array(z.number()),
});
export type ReviewImageItem = z.infer<typeof reviewImageItemSchema>;

export const reviewImagesPageSchema = z.object({
  items: z.array(reviewImageItemSchema),
  next: cursorSchema.nullable(),
});
export type ReviewImagesPage = z.infer<typeof reviewImagesPageSchema>;

/** One round of the teacher -> pseudo-label -> review -> student loop. */
export const roundInfoSchema = z.object({
  round: z.number(),
  teacherId: z.string().nullable(),
  studentId: z.string().nullable(),
  /** Pseudo-labels of this round by status. */
  pseudo: statusCounts,
  /** Images the student trained on, by kind. */
  data: z.object({ human: z.number(), pseudo: z.number() }).nullable(),
  teacherAccuracy: z.number().nullable(),
  studentAccuracy: z.number().nullable(),
  alpha: z.number().nullable(),
  temperature: z.number().nullable(),
});
export type RoundInfo = z.infer<typeof roundInfoSchema>;

/** One database snapshot in the project's backups/ folder. */
export const backupInfoSchema = z.object({
  /** The file name, which is also its id: restore takes it. */
  name: z.string(),
  /** Why it was taken: auto (every 30 minutes), manual, before-restore, before-migration. */
  reason: z.string(),
  size: z.number(),
  createdAt: z.string(),
});
export type BackupInfo = z.infer<typeof backupInfoSchema>;
