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
  classes: { name: string; count: number }[];
  splits: Record<Split, number>;
  pseudo: Record<AnnotationStatus, number>;
}

export interface ImportError {
  path: string;
  reason: string;
}

export interface ImportResult {
  imported: number;
  duplicates: number;
  errors: ImportError[];
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
