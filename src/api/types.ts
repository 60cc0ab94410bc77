/** Plain data shapes returned by AppApi. No behaviour here: these cross IPC and HTTP as JSON. */

export type Task = 'classify' | 'detect' | 'segment';
export type Split = 'train' | 'val' | 'test' | 'unlabeled';
export type AnnotationSource = 'human' | 'pseudo' | 'model';
export type AnnotationStatus = 'pending' | 'accepted' | 'rejected' | 'corrected';

export interface ProjectInfo {
  dir: string;
  name: string;
  task: Task;
  classes: ClassInfo[];
}

export interface RecentProject {
  dir: string;
  name: string;
  openedAt: string;
}

export interface ClassInfo {
  id: number;
  name: string;
  color: string;
  position: number;
}

export interface ImageSummary {
  id: number;
  fileName: string;
  originalPath: string;
  width: number;
  height: number;
  split: Split;
  /** The image-level class (human tag, or an accepted/corrected pseudo tag); null when unlabeled. */
  classId: number | null;
}

export interface ImagePage {
  items: ImageSummary[];
  /** Number of images matching the filter: lets a virtualized grid size its scrollbar. */
  total: number;
  offset: number;
}

export interface Annotation {
  id: number;
  imageId: number;
  classId: number | null;
  kind: 'tag' | 'box' | 'polygon';
  geometry: unknown;
  source: AnnotationSource;
  modelId: string | null;
  round: number | null;
  confidence: number | null;
  softLabel: number[] | null;
  status: AnnotationStatus;
  author: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A box, normalized to [0, 1] of the EXIF-upright image: top-left corner and size. */
export type BoxGeometry = { x: number; y: number; w: number; h: number };
/** A polygon, normalized to [0, 1] of the EXIF-upright image. */
export type PolygonGeometry = { points: [number, number][] };

/** A live box or polygon of an image, as the region editor shows it. */
export interface Region {
  id: number;
  imageId: number;
  classId: number | null;
  kind: 'box' | 'polygon';
  geometry: BoxGeometry | PolygonGeometry;
  source: AnnotationSource;
  status: AnnotationStatus;
  confidence: number | null;
  modelId: string | null;
  round: number | null;
}

/** The regions of one image and whether its edit history can step back or forward. */
export interface RegionsState {
  imageId: number;
  regions: Region[];
  canUndo: boolean;
  canRedo: boolean;
}

export interface ImageDetail extends ImageSummary {
  sha256: string;
  format: string;
  bytes: number;
  createdAt: string;
  annotations: Annotation[];
}

export interface Stats {
  images: number;
  labeled: number;
  unlabeled: number;
  /** Per class: images labeled with it, and its regions (boxes and polygons drawn, or accepted or corrected). */
  classes: { name: string; count: number; regions: number }[];
  splits: Record<Split, number>;
  pseudo: Record<AnnotationStatus, number>;
  /** The pseudo boxes (from detector teachers) among `pseudo`, by status. */
  pseudoBoxes?: Record<AnnotationStatus, number>;
}

export interface ImportError {
  path: string;
  reason: string;
}

export interface ImportResult {
  imported: number;
  duplicates: number;
  errors: ImportError[];
  /** Labels (class tags, boxes, polygons) a dataset gave for images already in the project (same bytes), attached to them. */
  attached?: number;
}

export interface ExportResult {
  out: string;
  images: number;
  annotations: number;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobProgress {
  jobId: string;
  kind: string;
  phase: string;
  step: number;
  total: number;
  metrics?: Record<string, number>;
  etaS?: number;
  /** A short line for people, e.g. which training backend is running. */
  message?: string;
}

export interface JobInfo {
  id: string;
  kind: string;
  state: JobState;
  progress: JobProgress | null;
  result: unknown;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface JobDone {
  jobId: string;
  kind: string;
  state: Exclude<JobState, 'queued' | 'running'>;
  result?: unknown;
  error?: { code: string; message: string };
}

export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' | 'web' | 'in-process': which transport the renderer is on. */
  transport: string;
  /** True when the host can show native folder dialogs (Electron). */
  nativeDialogs: boolean;
  /** The folder new projects are created in when a relative name is given (web transport). */
  workspace: string | null;
}

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  learningRate: number;
  imagesPerSecond: number;
  seconds: number;
}

export interface ClassScore {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ModelMetrics {
  /** On the test split (or validation when there is no test split). */
  accuracy: number;
  loss: number;
  perClass: ClassScore[];
  topK?: { k: number; accuracy: number };
  /** Which split the numbers are from. */
  split: 'test' | 'val';
  /** K-fold cross-validation, when asked for: mean and spread of the fold accuracies. */
  kfold?: { k: number; accuracies: number[]; mean: number; std: number };
  /**
   * A box detector (arch "detector"): mAP@0.5, also given as `accuracy` (and its per-class
   * precision and recall at the score threshold as `perClass`) so lists of models show it.
   */
  detection?: DetectionMetrics;
}

export interface DetectionMetrics {
  /** Mean over classes with boxes of the average precision at IoU 0.5. */
  map: number;
  iouThreshold: number;
  scoreThreshold: number;
  /** Over all boxes, at the score threshold. */
  precision: number;
  recall: number;
  perClass: { name: string; ap: number | null; precision: number; recall: number; support: number }[];
  images: number;
}

export interface ModelInfo {
  id: string;
  name: string;
  arch: string;
  kind: 'trained' | 'imported';
  backend: string | null;
  createdAt: string;
  metrics: ModelMetrics | null;
  classes: string[];
  params: number | null;
  trainingSeconds: number | null;
  imagesPerSecond: number | null;
}

export interface Misclassification {
  imageId: number;
  trueClass: string;
  predictedClass: string;
  confidence: number;
}

export interface SearchTrial {
  trial: number;
  params: Record<string, number | string>;
  score: number | null;
}

export interface ModelDetail extends ModelInfo {
  history: EpochMetrics[];
  confusion: number[][];
  misclassified: Misclassification[];
  options: Record<string, unknown>;
  search: SearchTrial[] | null;
  input: { height: number; width: number; channels: number };
  /** A distilled student's training data. */
  studentData?: { human: number; pseudo: number };
  /** An imported ONNX teacher: how images are fed to it, and for a detector how its boxes are decoded. */
  onnx?: OnnxTeacherSpec;
  /**
   * Teachers: which project class each teacher class labels (by name; null = ignored). Imported
   * models always have it (by name, case-insensitive, unless a person changed it); others only
   * when a person set it.
   */
  classMap?: Record<string, string | null>;
}

export interface OnnxTeacherSpec {
  layout: 'nchw' | 'nhwc';
  scale: number;
  mean: number[];
  std: number[];
  uint8: boolean;
  /** Set for YOLO-style detector teachers (arch "onnx-detector"). */
  detector: { yolo: 'v5' | 'v8'; scoreThreshold: number; iouThreshold: number; maxBoxes: number } | null;
}

export interface TrainResult {
  modelId: string;
  backend: string;
  epochs: number;
  metrics: ModelMetrics;
  imagesPerSecond: number;
  stoppedEarly: boolean;
}

export interface ReviewItem {
  annotationId: number;
  imageId: number;
  fileName: string;
  classId: number | null;
  confidence: number;
  entropy: number | null;
  margin: number | null;
  round: number | null;
  modelId: string | null;
  status: AnnotationStatus;
  soft: number[] | null;
  humanClassId: number | null;
}

export interface ReviewPage {
  items: ReviewItem[];
  next: { value: number; imageId: number } | null;
}

export interface Disagreement {
  imageId: number;
  fileName: string;
  humanClassId: number;
  teacherClassId: number;
  confidence: number;
  modelId: string | null;
}

export interface ReviewCounts {
  /** Pseudo tags and pseudo boxes (told apart by `kind`), per class, round and status. */
  byClassAndRound: { classId: number | null; round: number | null; status: AnnotationStatus; count: number; kind?: 'tag' | 'box' }[];
  /** Review actions per minute over the last 10 minutes with activity. */
  imagesPerMinute: number;
}

export interface PseudoLabelResult {
  labeled: number;
  skipped: number;
  errors: ImportError[];
  round: number;
  unmappedClasses: string[];
  /** Set when the project had no classes and took the teacher's (these names). */
  adoptedClasses?: string[];
  /** Detector teachers: pseudo boxes stored, and images where it found none (labeled with zero boxes). */
  boxes?: number;
  emptyImages?: number;
}

/** One image with pseudo boxes to review (review.images). */
export interface ReviewImageItem {
  imageId: number;
  fileName: string;
  /** Its pseudo boxes of the asked status (and class and round, when filtered). */
  boxes: number;
  /** The lowest confidence among them: the most uncertain box. */
  minConfidence: number;
  classIds: number[];
}

export interface ReviewImagesPage {
  items: ReviewImageItem[];
  next: { value: number; imageId: number } | null;
}

/** One round of the teacher -> pseudo-label -> review -> student loop. */
export interface RoundInfo {
  round: number;
  teacherId: string | null;
  studentId: string | null;
  /** Pseudo-labels of this round by status. */
  pseudo: Record<AnnotationStatus, number>;
  /** Images the student trained on, by kind. */
  data: { human: number; pseudo: number } | null;
  teacherAccuracy: number | null;
  studentAccuracy: number | null;
  alpha: number | null;
  temperature: number | null;
}

/** One database snapshot in the project's backups/ folder. */
export interface BackupInfo {
  /** The file name, which is also its id: restore takes it. */
  name: string;
  /** Why it was taken: auto (every 30 minutes), manual, before-restore, before-migration. */
  reason: string;
  size: number;
  createdAt: string;
}
