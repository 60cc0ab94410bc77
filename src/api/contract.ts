/**
 * AppApi: the one contract between the UI (or CLI, or a script) and the core.
 * Three clients implement `invoke` — Electron IPC, web (HTTP + SSE) and in-process —
 * and the contract test suite runs the same calls through each of them.
 */
import type { ErrorPayload } from './errors';
import type { Method, MethodInput } from './schemas';
import type {
  AppInfo,
  BackupInfo,
  ClassInfo,
  ImageDetail,
  ImagePage,
  JobDone,
  JobInfo,
  JobProgress,
  Disagreement,
  ModelDetail,
  ModelInfo,
  ReviewCounts,
  ReviewImagesPage,
  ReviewPage,
  RoundInfo,
  ProjectInfo,
  RecentProject,
  RegionsState,
  Stats,
} from './types';

export interface MethodResults {
  'app.info': AppInfo;
  'project.create': ProjectInfo;
  'project.open': ProjectInfo;
  'project.close': null;
  'project.current': ProjectInfo | null;
  'project.recent': RecentProject[];
  'classes.list': ClassInfo[];
  'classes.add': ClassInfo;
  'classes.update': ClassInfo;
  'classes.remove': { removedAnnotations: number };
  'images.list': ImagePage;
  'images.get': ImageDetail;
  'images.setSplit': { updated: number };
  'labels.setClass': { updated: number };
  'stats.get': Stats;
  'models.list': ModelInfo[];
  'models.get': ModelDetail;
  'training.zoo': { name: string; description: string; license: string; input: { height: number; width: number; channels: number }; downloaded: boolean }[];
  /** A PNG data URL: the image augmented 8 times, as the model will see it in training. */
  'training.augmentPreview': { png: string };
  'review.queue': ReviewPage;
  'review.apply': { changed: number };
  'review.undo': { undone: number };
  'review.bulk': { changed: number };
  'review.disagreements': Disagreement[];
  'review.counts': ReviewCounts;
  'rounds.list': RoundInfo[];
  /** Import an ONNX classifier as a teacher model of the project. */
  'teachers.import': ModelInfo;
  /** Change which project class each teacher class labels (null = ignore it); returns the model with its map. */
  'teachers.setClassMap': ModelDetail;
  /** Images with pseudo boxes to review, keyset-paged. */
  'review.images': ReviewImagesPage;
  'jobs.start': { jobId: string };
  'jobs.cancel': { cancelled: boolean };
  'jobs.list': JobInfo[];
  'jobs.get': JobInfo;
  'backups.list': BackupInfo[];
  /** Snapshot the project's database now (reason "manual"). */
  'backups.create': BackupInfo;
  /** Replace the project's database with a backup; the state before is kept as a "before-restore" backup. */
  'backups.restore': { restored: string; safety: BackupInfo; project: ProjectInfo };
  /** The live boxes/polygons of an image (rejected pseudo regions are not listed) and its undo/redo state. */
  'shapes.list': RegionsState;
  /** Draw regions; one undo step. `created` holds the new ids in input order. */
  'shapes.create': RegionsState & { created: number[] };
  /** Change class and/or geometry; a pseudo region becomes 'corrected'. One undo step. */
  'shapes.update': RegionsState;
  /** Delete regions (a pseudo region is marked 'rejected'). One undo step. */
  'shapes.delete': RegionsState;
  /** Step the image's region edits back / forward; `changed` is 0 when there was nothing to do. */
  'shapes.undo': RegionsState & { changed: number };
  'shapes.redo': RegionsState & { changed: number };
  'project.setTask': ProjectInfo;
  /** The user's shortcut key overrides, by shortcut id ({} when none). */
  'settings.shortcuts': Record<string, string[]>;
  'settings.setShortcuts': Record<string, string[]>;
}

export interface AppEvents {
  jobProgress: JobProgress;
  jobDone: JobDone;
  /** Something in the open project changed (labels, classes, images, models): views refetch. */
  projectChanged: { what: 'images' | 'classes' | 'labels' | 'project' | 'models' | 'review' | 'backups' };
}
export type EventName = keyof AppEvents;

export type Unsubscribe = () => void;

export interface AppApi {
  invoke<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodResults[M]>;
  on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void): Unsubscribe;
}

/** The wire shape of every reply, on every transport. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export const EVENT_NAMES: EventName[] = ['jobProgress', 'jobDone', 'projectChanged'];
