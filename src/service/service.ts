import { EventEmitter } from 'node:events';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, toErrorPayload } from '../api/errors';
import type { AppApi, AppEvents, EventName, MethodResults, Reply, Unsubscribe } from '../api/contract';
import { validateInput } from '../api/validate';
import { methods } from '../api/methods';
import type { Method, MethodInput, MethodParsed } from '../api/methods';
import type { JobInfo, ModelInfo } from '../api/types';
import type { SpecOverrides } from '../inference/onnx-spec';
import type { TrainOptions } from '../training';
// media/files, not media/: the index loads sharp, and serving a file only needs its path.
import { contentPath } from '../media/files';
import { trainInputSchema } from '../api/schemas';
import * as store from '../store';
import { RecentProjects } from './recent';
import { ProjectSession, requireSession } from './session';
import { isInside, resolveInside } from './paths';
import { isOnnxFileRef, namesNoClasses, teacherImportKey } from './teacher-files';
import type * as Engines from './engines';

export interface ServiceOptions {
  transport: 'in-process' | 'web' | 'electron';
  nativeDialogs?: boolean;
  /** When set (web transport), project folders and export outputs must lie inside it. */
  workspace?: string | null;
  /** Where the recent-projects list is kept; null keeps none. */
  recentFile?: string | null;
  /** Recorded as the author of human labels. */
  author?: string;
  log?: (msg: string, err?: unknown) => void;
  /** Milliseconds between automatic backups of an open project (default 30 minutes; 0 turns them off). */
  autoBackupMs?: number;
}

/** Loaded on first use (see engines.ts); import() caches the module, so later calls cost one await. */
type Engines = typeof Engines;
const engines = (): Promise<Engines> => import('./engines');

type Handlers = { [M in Method]: (input: MethodParsed<M>) => Promise<MethodResults[M]> | MethodResults[M] };

export const APP_VERSION = '0.1.0';

/**
 * The core implementation of AppApi. Every transport ends here: it validates the input with the
 * method's schema, runs the handler, and (through `handle`) turns any error into a reply.
 */
export class AppService implements AppApi {
  private session: ProjectSession | null = null;
  private readonly emitter = new EventEmitter();
  private readonly recent: RecentProjects;
  private readonly log: (msg: string, err?: unknown) => void;

  constructor(private readonly options: ServiceOptions) {
    this.recent = new RecentProjects(options.recentFile ?? null);
    this.log = options.log ?? ((msg, err) => console.error(msg, err ?? ''));
    this.emitter.setMaxListeners(100);
  }

  async invoke<M extends Method>(method: M, input: MethodInput<M>): Promise<MethodResults[M]> {
    const parsed = validateInput(method, input);
    const handler = this.handlers[method] as (i: MethodParsed<M>) => Promise<MethodResults[M]> | MethodResults[M];
    // A synchronous write waits for the write lock on a timer, not in busy_timeout: while another
    // process writes, reads and other requests are still answered.
    const session = this.session;
    if (methods[method].writes && session) {
      return store.withWriteLock(session.db, () => {
        // The project may have been closed or switched while this write waited for the lock.
        if (this.session !== session) throw new AppError('CONFLICT', 'The project was closed or changed while this change waited for it; nothing was saved.');
        return handler(parsed) as MethodResults[M];
      });
    }
    return handler(parsed);
  }

  /** For transports: never throws; unknown errors are logged here and sent as INTERNAL. */
  async handle(method: string, input: unknown): Promise<Reply<unknown>> {
    try {
      return { ok: true, value: await this.invoke(method as Method, input as never) };
    } catch (err) {
      const error = toErrorPayload(err);
      if (error.code === 'INTERNAL') this.log(`${method} failed`, err);
      return { ok: false, error };
    }
  }

  on<E extends EventName>(event: E, listener: (payload: AppEvents[E]) => void): Unsubscribe {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  private emit<E extends EventName>(event: E, payload: AppEvents[E]): void {
    this.emitter.emit(event, payload);
  }

  /**
   * The file behind an image URL, looked up by id only, and checked to stay in the project. With a
   * `key` (the URL's), a key other than the open project's is NOT_FOUND: a page still showing a closed
   * project gets no image of the one open now under its old URLs.
   */
  mediaFile(imageId: number, kind: 'thumb' | 'full', key?: string): { path: string; contentType: string } {
    const s = requireSession(this.session);
    if (key !== undefined && key !== s.mediaKey) throw new AppError('NOT_FOUND', `Image ${imageId} belongs to a project that is no longer open.`);
    const row = store.getImageRow(s.db, imageId);
    let path: string;
    let contentType: string;
    if (kind === 'thumb') {
      path = contentPath(s.paths.thumbs, row.sha256, '.webp');
      contentType = 'image/webp';
    } else {
      const display = contentPath(s.paths.display, row.sha256, '.webp');
      const useDisplay = existsSync(display);
      path = useDisplay ? display : join(s.paths.dir, row.media_path);
      contentType = useDisplay ? 'image/webp' : `image/${row.format === 'jpg' ? 'jpeg' : row.format}`;
    }
    if (!existsSync(path)) throw new AppError('NOT_FOUND', `The file of image ${imageId} is missing from the project.`);
    if (!isInside(realpathSync(s.paths.dir), realpathSync(path))) {
      throw new AppError('PATH_OUTSIDE_PROJECT', `Image ${imageId} points outside the project folder.`);
    }
    return { path, contentType };
  }

  async close(): Promise<void> {
    const s = this.session;
    this.session = null;
    await s?.close();
  }

  private projectDir(dir: string): string {
    const ws = this.options.workspace;
    return ws ? resolveInside(ws, dir, 'project folder') : dir;
  }

  private async openSession(handle: store.ProjectHandle) {
    await this.close();
    const session = new ProjectSession(
      handle,
      { progress: (p) => this.emit('jobProgress', p), done: (d) => this.emit('jobDone', d) },
      this.log,
      this.options.autoBackupMs,
    );
    this.session = session;
    const info = session.info();
    await this.recent.remember({ dir: info.dir, name: info.name }).catch((err) => this.log('cannot save recent projects', err));
    this.emit('projectChanged', { what: 'project' });
    return info;
  }

  private changed(what: AppEvents['projectChanged']['what']) {
    this.emit('projectChanged', { what });
  }

  private readonly handlers: Handlers = {
    'app.info': () => ({
      name: 'Apprentice',
      version: APP_VERSION,
      transport: this.options.transport,
      nativeDialogs: this.options.nativeDialogs ?? false,
      workspace: this.options.workspace ?? null,
    }),
    'project.create': (i) =>
      this.openSession(store.createProject(this.projectDir(i.dir), i.task, i.classes, store.paletteColor)),
    'project.open': (i) => this.openSession(store.openProject(this.projectDir(i.dir))),
    'project.close': async () => {
      await this.close();
      this.changed('project');
      return null;
    },
    'project.current': () => this.session?.info() ?? null,
    'project.recent': () => {
      const ws = this.options.workspace;
      return this.recent.list().filter((r) => (!ws || isInside(ws, r.dir)) && store.isProjectFolder(r.dir));
    },
    'classes.list': () => store.listClasses(requireSession(this.session).db),
    'classes.add': (i) => {
      const c = store.addClass(requireSession(this.session).db, i.name, i.color);
      this.changed('classes');
      return c;
    },
    'classes.update': (i) => {
      const c = store.updateClass(requireSession(this.session).db, i.id, { name: i.name, color: i.color });
      this.changed('classes');
      return c;
    },
    'classes.remove': (i) => {
      const r = store.removeClass(requireSession(this.session).db, i.id, this.options.author ?? null);
      this.changed('classes');
      return r;
    },
    'images.list': (i) => {
      const filter: store.ImageFilter = {};
      if (i.classId !== undefined) filter.classId = i.classId;
      if (i.split !== undefined) filter.split = i.split;
      if (i.labeled !== undefined) filter.labeled = i.labeled;
      return store.listImages(requireSession(this.session).db, filter, i.offset, i.limit);
    },
    'images.get': (i) => store.getImage(requireSession(this.session).db, i.id),
    'images.setSplit': (i) => {
      const db = requireSession(this.session).db;
      store.assertImagesExist(db, i.imageIds);
      const updated = store.setSplit(db, i.imageIds, i.split);
      this.changed('images');
      return { updated };
    },
    'labels.setClass': (i) => {
      const db = requireSession(this.session).db;
      store.assertImagesExist(db, i.imageIds);
      if (i.classId !== null) store.getClass(db, i.classId);
      const updated = store.setHumanClass(db, i.imageIds, i.classId, this.options.author ?? null);
      this.changed('labels');
      return { updated };
    },
    'stats.get': () => store.projectStats(requireSession(this.session).db),
    'jobs.start': async (i) => {
      const s = requireSession(this.session);
      // Before the checks, so that each check and its job's start stay in one turn (no other
      // request can start a training in between).
      const e = await engines();
      const { importImages, trainDetectorJob, selfTrainJob, trainJob, exportInWorker, pseudoLabel, pseudoLabelBoxes, detectInWorker, predictInWorker, evaluateInWorker, exportDatasetAs, DETECTOR_ARCH, PROJECT_DETECTOR_ARCH } = e;
      switch (i.kind) {
        case 'import':
          return {
            jobId: s.jobs.start('import', i.input, async (ctx) => {
              try {
                return await importImages(s.db, s.paths, i.input, { ...ctx, onStored: () => this.changed('images') });
              } finally {
                this.changed('images');
                this.changed('classes'); // folder and CSV layouts may have created classes
              }
            }),
          };
        case 'train': {
          // A teacher given as an ONNX file is the teacher imported from it (the same one pseudo-label used).
          const input = i.input.teacher && isOnnxFileRef(i.input.teacher) ? { ...i.input, teacher: await this.teacherModelId(s, i.input.teacher) } : i.input;
          this.checkCanTrain(e, s, input);
          return {
            jobId: s.jobs.start('train', input, async (ctx) => {
              const r = await trainJob(s, input, ctx);
              this.changed('models');
              return r;
            }),
          };
        }
        case 'train-detector':
          return {
            jobId: s.jobs.start('train-detector', i.input, async (ctx) => {
              const r = await trainDetectorJob(s.db, s.paths, i.input, ctx);
              this.changed('models');
              return r;
            }),
          };
        case 'self-train': {
          const options = trainInputSchema.parse({ ...i.input.train });
          this.checkCanTrain(e, s, options);
          const input = { ...i.input, teacher: await this.teacherModelId(s, i.input.teacher) };
          this.classifierOnly(e, s, input.teacher, 'self-training rounds train image classifiers; review its boxes and train the next detector from the Train view');
          const adoptedClasses = this.adoptTeacherClasses(s, input.teacher);
          return {
            jobId: s.jobs.start('self-train', input, async (ctx) => {
              const r = await selfTrainJob(s, input, options, ctx, this.options.author ?? null, (w) => this.changed(w));
              return adoptedClasses.length ? { ...r, adoptedClasses } : r;
            }),
          };
        }
        case 'export-model': {
          const out = this.options.workspace ? resolveInside(this.options.workspace, i.input.out, 'export path') : i.input.out;
          // A box student trained here exports to ONNX (YOLOv5 layout); an imported ONNX detector already is one.
          if (store.getModel(s.db, i.input.model).arch === DETECTOR_ARCH) {
            this.classifierOnly(e, s, i.input.model, 'an imported ONNX detector is already an ONNX file (its boxes can be exported as a COCO or YOLO dataset)');
          }
          return {
            jobId: s.jobs.start('export-model', i.input, (ctx) =>
              exportInWorker({ projectDir: s.paths.dir, databaseFile: s.paths.database, ...i.input, out, apprenticeVersion: APP_VERSION }, ctx),
            ),
          };
        }
        case 'pseudo-label': {
          const teacherId = await this.teacherModelId(s, i.input.teacher, i.input.spec);
          const teacherArch = store.getModel(s.db, teacherId).arch;
          const detector = teacherArch === DETECTOR_ARCH || teacherArch === PROJECT_DETECTOR_ARCH;
          // A project created without classes takes the teacher's, and the result says so.
          const adoptedClasses = this.adoptTeacherClasses(s, teacherId);
          const adopted = <R extends object>(r: R) => (adoptedClasses.length ? { ...r, adoptedClasses } : r);
          // A detector's thresholds may be changed for one run (its preprocessing may not).
          const thresholds = { ...(i.input.spec?.scoreThreshold !== undefined ? { scoreThreshold: i.input.spec.scoreThreshold } : {}), ...(i.input.spec?.iouThreshold !== undefined ? { iouThreshold: i.input.spec.iouThreshold } : {}) };
          return {
            jobId: s.jobs.start('pseudo-label', i.input, async (ctx) => {
              try {
                if (detector) {
                  return adopted(await pseudoLabelBoxes(
                    s.db,
                    teacherId,
                    i.input,
                    (imageIds, c) => detectInWorker({ projectDir: s.paths.dir, databaseFile: s.paths.database, model: teacherId, imageIds, thresholds }, c),
                    ctx,
                    this.options.author ?? null,
                  ));
                }
                return adopted(await pseudoLabel(
                  s.db,
                  teacherId,
                  i.input,
                  (imageIds, c) => predictInWorker({ projectDir: s.paths.dir, databaseFile: s.paths.database, model: teacherId, split: null, imageIds }, c),
                  ctx,
                  this.options.author ?? null,
                ));
              } finally {
                this.changed('review');
              }
            }),
          };
        }
        case 'evaluate':
        case 'predict': {
          // An ONNX file is imported as a teacher once (by content) and used by id; another model file
          // from a web client must be inside the workspace; a model id is looked up in the project.
          const model = isOnnxFileRef(i.input.model) || i.input.spec
            ? await this.teacherModelId(s, i.input.model, i.input.spec)
            : this.options.workspace && /[\\/]/.test(i.input.model) ? resolveInside(this.options.workspace, i.input.model, 'model file') : i.input.model;
          const task = { projectDir: s.paths.dir, databaseFile: s.paths.database, model };
          this.classifierOnly(e, s, model, i.kind === 'evaluate' ? 'its test mAP is measured when it trains and shown with the model' : 'use it as a teacher to pseudo-label boxes');
          return {
            jobId: s.jobs.start<unknown>(i.kind, i.input, (ctx) =>
              i.kind === 'evaluate' ? evaluateInWorker({ ...task, split: i.input.split }, ctx) : predictInWorker({ ...task, split: i.input.split }, ctx),
            ),
          };
        }
        case 'export': {
          const out = this.options.workspace ? resolveInside(this.options.workspace, i.input.out, 'export path') : i.input.out;
          const { format, include } = i.input;
          return {
            jobId: s.jobs.start('export', i.input, (ctx) => exportDatasetAs(format, s.db, s.paths.dir, out, include, ctx)),
          };
        }
      }
    },
    'models.list': () => store.listModels(requireSession(this.session).db),
    'models.get': (i) => store.getModel(requireSession(this.session).db, i.id),
    'review.queue': (i) => {
      const filter: store.ReviewFilter = { status: i.status };
      if (i.classId !== undefined) filter.classId = i.classId;
      if (i.round !== undefined) filter.round = i.round;
      if (i.minConfidence !== undefined) filter.minConfidence = i.minConfidence;
      if (i.maxConfidence !== undefined) filter.maxConfidence = i.maxConfidence;
      return store.reviewQueue(requireSession(this.session).db, i.order, filter, i.cursor, i.limit);
    },
    'review.apply': (i) => {
      const db = requireSession(this.session).db;
      if (i.classId !== undefined) store.getClass(db, i.classId);
      const action: store.ReviewAction = i.action === 'relabel' ? { kind: 'relabel', classId: i.classId! } : { kind: i.action };
      const { changed } = store.applyReview(db, i.annotationIds, action, this.options.author ?? null);
      this.changed('review');
      return { changed };
    },
    'review.undo': () => {
      const r = store.undoLastReview(requireSession(this.session).db, this.options.author ?? null);
      this.changed('review');
      return r;
    },
    'review.bulk': (i) => {
      const db = requireSession(this.session).db;
      const rule: store.BulkRule = { mode: i.mode, threshold: i.threshold };
      if (i.perClass) rule.perClass = Object.fromEntries(Object.entries(i.perClass).map(([k, v]) => [Number(k), v]));
      if (i.classId !== undefined) rule.classId = i.classId;
      if (i.round !== undefined) rule.round = i.round;
      if (i.dryRun) return { changed: store.previewBulk(db, rule) };
      const { changed } = store.applyBulk(db, rule, this.options.author ?? null);
      this.changed('review');
      return { changed };
    },
    'review.disagreements': (i) => store.disagreements(requireSession(this.session).db, i.minConfidence, i.limit),
    'review.counts': () => store.reviewCounts(requireSession(this.session).db),
    'review.images': (i) => {
      const filter: store.ReviewImagesFilter = { status: i.status };
      if (i.classId !== undefined) filter.classId = i.classId;
      if (i.round !== undefined) filter.round = i.round;
      return store.reviewImages(requireSession(this.session).db, i.order, filter, i.cursor, i.limit);
    },
    'rounds.list': async () => (await engines()).listRounds(requireSession(this.session).db),
    'teachers.import': (i) => this.importTeacher(requireSession(this.session), i.file, i.spec),
    'teachers.setClassMap': (i) => {
      const m = store.setTeacherClassMap(requireSession(this.session).db, i.model, i.map);
      this.changed('models');
      return m;
    },
    'training.zoo': async () => {
      const dir = requireSession(this.session).paths.dir;
      const { zooEntries, isDownloaded } = await engines();
      return zooEntries().map((e) => ({ name: e.name, description: e.description, license: e.license, input: e.input, downloaded: isDownloaded(dir, e.name) }));
    },
    'training.augmentPreview': async (i) => {
      const s = requireSession(this.session);
      const { projectInputSpec, augmentationPreviewPng } = await engines();
      const spec = await projectInputSpec(s.db, s.paths.dir);
      return { png: await augmentationPreviewPng(s.db, s.paths.dir, spec, i.imageId, i.augment, i.seed) };
    },
    'jobs.cancel': (i) => ({ cancelled: requireSession(this.session).jobs.cancel(i.jobId) }),
    'jobs.list': (i) => store.listJobs(requireSession(this.session).db, i.limit),
    'jobs.get': (i) => {
      const job = store.getJob(requireSession(this.session).db, i.jobId);
      if (!job) throw new AppError('NOT_FOUND', `There is no job ${i.jobId}.`);
      return job;
    },
    'backups.list': () => store.listBackups(requireSession(this.session).paths.backups),
    'backups.create': () => {
      const s = requireSession(this.session);
      const b = store.snapshot(s.db, s.paths.backups, 'manual');
      this.changed('backups');
      return b;
    },
    'backups.restore': async (i) => {
      const s = requireSession(this.session);
      if (s.jobs.runningKinds().length) throw new AppError('CONFLICT', 'A job is running; wait for it or cancel it before restoring a backup.');
      // In place, on the open connection, through SQLite's locking: other processes that have the
      // project open (a CLI import) wait on the lock and keep writing into the restored database.
      const restored = await store.restoreInPlace(s.db, s.paths, i.name);
      this.changed('backups');
      this.changed('project');
      return { ...restored, project: s.info() };
    },
    'shapes.list': (i) => {
      const db = requireSession(this.session).db;
      store.getImageRow(db, i.imageId);
      return store.regionsState(db, i.imageId);
    },
    'shapes.create': (i) => {
      const db = requireSession(this.session).db;
      const created = store.createRegions(db, i.imageId, i.shapes, this.options.author ?? null);
      this.changed('labels');
      return { ...store.regionsState(db, i.imageId), created };
    },
    'shapes.update': (i) => {
      const db = requireSession(this.session).db;
      store.updateRegions(db, i.imageId, i.changes, this.options.author ?? null);
      this.changed('labels');
      return store.regionsState(db, i.imageId);
    },
    'shapes.delete': (i) => {
      const db = requireSession(this.session).db;
      store.deleteRegions(db, i.imageId, i.ids, this.options.author ?? null);
      this.changed('labels');
      return store.regionsState(db, i.imageId);
    },
    'shapes.undo': (i) => {
      const r = store.undoRegions(requireSession(this.session).db, i.imageId, this.options.author ?? null);
      if (r.changed) this.changed('labels');
      return r;
    },
    'shapes.redo': (i) => {
      const r = store.redoRegions(requireSession(this.session).db, i.imageId, this.options.author ?? null);
      if (r.changed) this.changed('labels');
      return r;
    },
    'project.setTask': (i) => {
      const s = requireSession(this.session);
      store.setProjectTask(s.db, i.task);
      this.changed('project');
      return s.info();
    },
    'settings.shortcuts': () => store.getShortcutOverrides(requireSession(this.session).db),
    'settings.setShortcuts': (i) => store.setShortcutOverrides(requireSession(this.session).db, i.overrides),
  };

  /** Refuse a project detector where only an image classifier makes sense, saying what to do instead. */
  private classifierOnly({ DETECTOR_ARCH, PROJECT_DETECTOR_ARCH }: Engines, s: ProjectSession, modelId: string, instead: string): void {
    const arch = store.listModels(s.db).find((m) => m.id === modelId)?.arch;
    if (arch === DETECTOR_ARCH || arch === PROJECT_DETECTOR_ARCH) {
      throw new AppError('UNSUPPORTED', `Model ${modelId} is a detector (it finds boxes, it does not classify images): ${instead}.`);
    }
  }

  /** Validate the options up front (a typo fails before the job starts); one training at a time. */
  private checkCanTrain(e: Engines, s: ProjectSession, options: TrainOptions): void {
    e.parseTrainOptions(options);
    if (s.jobs.runningKinds().some((k) => k === 'train' || k === 'self-train')) {
      throw new AppError('CONFLICT', 'A training run is already going; wait for it or cancel it.');
    }
    if (options.teacher) {
      store.getModel(s.db, options.teacher);
      this.classifierOnly(e, s, options.teacher, 'a student classifier learns from image labels; train the next detector on its reviewed boxes instead');
    }
    // A backbone file from a web client must be inside the served workspace.
    if (options.backbone && this.options.workspace && /[\\/]/.test(options.backbone)) resolveInside(this.options.workspace, options.backbone, 'backbone file');
  }

  /**
   * A project with no classes takes its teacher's classes (named by its sidecar, --classes or
   * metadata). Returns the names it adopted, [] when the project had classes.
   */
  private adoptTeacherClasses(s: ProjectSession, teacherId: string): string[] {
    if (store.listClasses(s.db).length) return [];
    const names = store.getModel(s.db, teacherId).classes;
    if (!names.length || namesNoClasses(names)) {
      throw new AppError(
        'INVALID_INPUT',
        `The project has no classes and the teacher ${teacherId} does not name its classes: give them with --classes a,b,c (or "classes" in a sidecar <model>.json), or add classes to the project.`,
      );
    }
    s.db.transaction(() => store.ensureClasses(s.db, names))();
    this.changed('classes');
    return store.listClasses(s.db).map((c) => c.name);
  }

  /** A teacher named by model id, or an ONNX file, which is imported as a model first (once: by content). */
  private async teacherModelId(s: ProjectSession, teacher: string, spec?: SpecOverrides): Promise<string> {
    if (isOnnxFileRef(teacher)) return (await this.importTeacher(s, teacher, spec)).id;
    const preprocessing = Object.keys(spec ?? {}).filter((k) => k !== 'scoreThreshold' && k !== 'iouThreshold');
    if (preprocessing.length) {
      throw new AppError('INVALID_INPUT', `${preprocessing.join(', ')} describe an ONNX file; "${teacher}" is not one (a model of the project has its own; give the .onnx file instead).`);
    }
    store.getModel(s.db, teacher); // NOT_FOUND with the id when there is none
    return teacher;
  }

  /**
   * Check and copy an ONNX file in the engine worker (onnxruntime loads there), then record it.
   * A file imported before (same content, sidecar and preprocessing flags) is that model again.
   */
  private async importTeacher(s: ProjectSession, file: string, spec?: SpecOverrides): Promise<ModelInfo> {
    const path = this.options.workspace ? resolveInside(this.options.workspace, file, 'teacher file') : file;
    if (!existsSync(path)) throw new AppError('NOT_FOUND', `There is no file ${path}.`);
    const importKey = await teacherImportKey(path, spec ?? {});
    const before = store
      .listModels(s.db)
      .find((m) => m.kind === 'imported' && store.getModel(s.db, m.id).options.importKey === importKey && existsSync(join(s.paths.dir, store.modelPath(s.db, m.id))));
    if (before) return before;
    const row = await (await engines()).importTeacherInWorker({ projectDir: s.paths.dir, databaseFile: s.paths.database, file: path, flags: spec ?? {} }, { signal: new AbortController().signal, onProgress: () => {} });
    row.details.options = { ...row.details.options, importKey };
    await store.withWriteLock(s.db, () => store.insertModel(s.db, row));
    this.changed('models');
    return store.listModels(s.db).find((m) => m.id === row.id)!;
  }

  /** For the CLI and tests: wait for a job started through this service to end. */
  async waitForJob(jobId: string): Promise<JobInfo> {
    const s = requireSession(this.session);
    const ended = await s.jobs.wait(jobId);
    const job = await this.invoke('jobs.get', { jobId });
    // The end could not be written (a full or read-only disk): the runner's word is the truth.
    if (ended && job.state === 'running') return { ...job, state: ended.state, result: ended.result ?? null, error: ended.error ?? null };
    return job;
  }
}
