/**
 * AppApi's methods, each described once: the zod schema of its input and of its result. Every
 * transport validates inputs with these at the boundary (validate.ts); the `Method` names, the
 * contract's types (contract.ts) and everything that lists methods derive from it. Results are
 * checked against their schema in the contract tests, not on every call. Adding a method: its
 * descriptor here and its handler in the service, nothing else.
 */
import { z } from 'zod';
import { jobStartInputSchema } from './job-kinds';
import {
  anyGeometrySchema,
  backupName,
  className,
  color,
  id,
  modelId,
  newShapeSchema,
  onnxSpecSchema,
  pathString,
  shortcutId,
  shortcutKey,
} from './schemas';
import {
  appInfoSchema,
  backupInfoSchema,
  classInfoSchema,
  disagreementSchema,
  imageDetailSchema,
  imagePageSchema,
  jobInfoSchema,
  modelDetailSchema,
  modelInfoSchema,
  projectInfoSchema,
  recentProjectSchema,
  regionsStateSchema,
  reviewCountsSchema,
  reviewImagesPageSchema,
  reviewPageSchema,
  roundInfoSchema,
  splitSchema,
  statsSchema,
  taskSchema,
} from './types';

/**
 * One method: what it takes and what it returns. `writes`: its handler writes to the project
 * synchronously, so the service runs it inside store.withWriteLock. (Jobs write from their own
 * code; backups.create only reads, with VACUUM INTO; backups.restore takes the lock itself.)
 */
const method = <I extends z.ZodType, R extends z.ZodType>(input: I, result: R, options: { writes?: true } = {}) => ({ input, result, writes: options.writes ?? false });
const writes = { writes: true } as const;

const updated = z.object({ updated: z.number() });
const changed = z.object({ changed: z.number() });
/** An undo or redo step: the regions after it, and 0 when there was nothing to do. */
const stepped = regionsStateSchema.extend({ changed: z.number() });
const shortcutOverrides = z.record(z.string(), z.array(z.string()));
/** A pretrained network of the model zoo (training.zoo). */
const zooEntrySchema = z.object({
  name: z.string(),
  description: z.string(),
  license: z.string(),
  input: z.object({ height: z.number(), width: z.number(), channels: z.number() }),
  downloaded: z.boolean(),
});

export const methods = {
  'app.info': method(z.object({}).strict(), appInfoSchema),
  'project.create': method(z
    .object({
      dir: pathString,
      task: taskSchema.default('classify'),
      classes: z.array(className).max(1000).default([]),
    })
    .strict(), projectInfoSchema),
  'project.open': method(z.object({ dir: pathString }).strict(), projectInfoSchema),
  'project.close': method(z.object({}).strict(), z.null()),
  'project.current': method(z.object({}).strict(), projectInfoSchema.nullable()),
  'project.recent': method(z.object({}).strict(), z.array(recentProjectSchema)),
  'classes.list': method(z.object({}).strict(), z.array(classInfoSchema)),
  'classes.add': method(z.object({ name: className, color: color.optional() }).strict(), classInfoSchema, writes),
  'classes.update': method(z.object({ id, name: className.optional(), color: color.optional() }).strict(), classInfoSchema, writes),
  'classes.remove': method(z.object({ id }).strict(), z.object({ removedAnnotations: z.number() }), writes),
  'images.list': method(z
    .object({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
      classId: id.optional(),
      split: splitSchema.optional(),
      labeled: z.boolean().optional(),
    })
    .strict(), imagePageSchema),
  'images.get': method(z.object({ id }).strict(), imageDetailSchema),
  'images.setSplit': method(z.object({ imageIds: z.array(id).min(1).max(100_000), split: splitSchema }).strict(), updated, writes),
  'labels.setClass': method(z
    .object({ imageIds: z.array(id).min(1).max(100_000), classId: id.nullable() })
    .strict(), updated, writes),
  'stats.get': method(z.object({}).strict(), statsSchema),
  'jobs.start': method(jobStartInputSchema, z.object({ jobId: z.string() })),
  'models.list': method(z.object({}).strict(), z.array(modelInfoSchema)),
  'training.zoo': method(z.object({}).strict(), z.array(zooEntrySchema)),
  /** Result: a PNG data URL, the image augmented 8 times as the model will see it in training. */
  'training.augmentPreview': method(z
    .object({ imageId: id, augment: z.string().max(500), seed: z.number().int().min(0).max(2 ** 31).default(0) })
    .strict(), z.object({ png: z.string() })),
  'models.get': method(z.object({ id: modelId }).strict(), modelDetailSchema),
  'review.queue': method(z
    .object({
      order: z.enum(['confidence', 'entropy', 'margin', 'class']).default('confidence'),
      status: z.enum(['pending', 'accepted', 'rejected', 'corrected']).default('pending'),
      classId: id.optional(),
      round: z.number().int().min(0).optional(),
      minConfidence: z.number().min(0).max(1).optional(),
      maxConfidence: z.number().min(0).max(1).optional(),
      cursor: z.object({ value: z.number(), imageId: id }).strict().nullable().default(null),
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(), reviewPageSchema),
  'review.apply': method(z
    .object({
      annotationIds: z.array(id).min(1).max(100_000),
      action: z.enum(['accept', 'reject', 'relabel']),
      classId: id.optional(),
    })
    .strict()
    .refine((v) => v.action !== 'relabel' || v.classId !== undefined, { message: 'relabel needs a classId', path: ['classId'] }), changed, writes),
  'review.undo': method(z.object({}).strict(), z.object({ undone: z.number() }), writes),
  'review.bulk': method(z
    .object({
      mode: z.enum(['accept-above', 'reject-below']),
      threshold: z.number().min(0).max(1),
      perClass: z.record(z.string().regex(/^\d+$/), z.number().min(0).max(1)).optional(),
      classId: id.optional(),
      round: z.number().int().min(0).optional(),
      /** Only count what would change (the preview before applying). */
      dryRun: z.boolean().default(false),
    })
    .strict(), changed, writes),
  'review.disagreements': method(z.object({ minConfidence: z.number().min(0).max(1).default(0.9), limit: z.number().int().min(1).max(1000).default(100) }).strict(), z.array(disagreementSchema)),
  'review.counts': method(z.object({}).strict(), reviewCountsSchema),
  'rounds.list': method(z.object({}).strict(), z.array(roundInfoSchema)),
  /** Import an ONNX classifier as a teacher model of the project. */
  'teachers.import': method(z.object({ file: pathString, spec: onnxSpecSchema.optional() }).strict(), modelInfoSchema),
  /** Which project class each teacher class labels (null = ignore that teacher class); returns the model with its map. */
  'teachers.setClassMap': method(z
    .object({
      model: modelId,
      map: z
        .record(z.string().min(1).max(100), z.string().min(1).max(100).nullable())
        .refine((m) => Object.keys(m).length <= 10_000, 'a class map has at most 10,000 entries'),
    })
    .strict(), modelDetailSchema, writes),
  /** Images with pseudo boxes, most uncertain first (lowest box confidence) or most boxes first; keyset-paged. */
  'review.images': method(z
    .object({
      status: z.enum(['pending', 'accepted', 'rejected', 'corrected']).default('pending'),
      order: z.enum(['confidence', 'count']).default('confidence'),
      classId: id.optional(),
      round: z.number().int().min(0).optional(),
      cursor: z.object({ value: z.number(), imageId: id }).strict().nullable().default(null),
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(), reviewImagesPageSchema),
  'jobs.cancel': method(z.object({ jobId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() })),
  'jobs.list': method(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(), z.array(jobInfoSchema)),
  'jobs.get': method(z.object({ jobId: z.string().min(1).max(100) }).strict(), jobInfoSchema),
  'backups.list': method(z.object({}).strict(), z.array(backupInfoSchema)),
  /** Snapshot the project's database now (reason "manual"). */
  'backups.create': method(z.object({}).strict(), backupInfoSchema),
  /** Replace the project's database with a backup; the state before is kept as a "before-restore" backup. */
  'backups.restore': method(z.object({ name: backupName }).strict(), z.object({ restored: z.string(), safety: backupInfoSchema, project: projectInfoSchema })),
  /** The live boxes/polygons of an image (rejected pseudo regions are not listed) and its undo/redo state. */
  'shapes.list': method(z.object({ imageId: id }).strict(), regionsStateSchema),
  /** Draw regions; one undo step. `created` holds the new ids in input order. */
  'shapes.create': method(z.object({ imageId: id, shapes: z.array(newShapeSchema).min(1).max(5000) }).strict(), regionsStateSchema.extend({ created: z.array(z.number()) }), writes),
  /** Change class and/or geometry; a pseudo region becomes 'corrected'. One undo step. */
  'shapes.update': method(z
    .object({
      imageId: id,
      changes: z.array(z.object({ id, classId: id.optional(), geometry: anyGeometrySchema.optional() }).strict()).min(1).max(5000),
    })
    .strict(), regionsStateSchema, writes),
  /** Delete regions (a pseudo region is marked 'rejected'). One undo step. */
  'shapes.delete': method(z.object({ imageId: id, ids: z.array(id).min(1).max(5000) }).strict(), regionsStateSchema, writes),
  /** Step the image's region edits back / forward; `changed` is 0 when there was nothing to do. */
  'shapes.undo': method(z.object({ imageId: id }).strict(), stepped, writes),
  'shapes.redo': method(z.object({ imageId: id }).strict(), stepped, writes),
  'project.setTask': method(z.object({ task: taskSchema }).strict(), projectInfoSchema, writes),
  /** The user's shortcut key overrides, by shortcut id ({} when none). */
  'settings.shortcuts': method(z.object({}).strict(), shortcutOverrides),
  'settings.setShortcuts': method(z
    .object({
      overrides: z
        .record(shortcutId, z.array(shortcutKey).max(6, 'a shortcut has at most 6 keys'))
        .refine((o) => Object.keys(o).length <= 300, 'at most 300 shortcuts can be changed'),
    })
    .strict(), shortcutOverrides, writes),
} as const;

export type Method = keyof typeof methods;
export type MethodInput<M extends Method> = z.input<(typeof methods)[M]['input']>;
export type MethodParsed<M extends Method> = z.output<(typeof methods)[M]['input']>;
export type MethodResult<M extends Method> = z.output<(typeof methods)[M]['result']>;
export const METHODS = Object.keys(methods) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}
