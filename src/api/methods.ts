/**
 * AppApi's methods: the input schema of each, by name. Every transport validates with these at the
 * boundary (validate.ts); the names, the `Method` type and everything that lists methods derive from it.
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
import { splitSchema, taskSchema } from './types';

export const schemas = {
  'app.info': z.object({}).strict(),
  'project.create': z
    .object({
      dir: pathString,
      task: taskSchema.default('classify'),
      classes: z.array(className).max(1000).default([]),
    })
    .strict(),
  'project.open': z.object({ dir: pathString }).strict(),
  'project.close': z.object({}).strict(),
  'project.current': z.object({}).strict(),
  'project.recent': z.object({}).strict(),
  'classes.list': z.object({}).strict(),
  'classes.add': z.object({ name: className, color: color.optional() }).strict(),
  'classes.update': z.object({ id, name: className.optional(), color: color.optional() }).strict(),
  'classes.remove': z.object({ id }).strict(),
  'images.list': z
    .object({
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
      classId: id.optional(),
      split: splitSchema.optional(),
      labeled: z.boolean().optional(),
    })
    .strict(),
  'images.get': z.object({ id }).strict(),
  'images.setSplit': z.object({ imageIds: z.array(id).min(1).max(100_000), split: splitSchema }).strict(),
  'labels.setClass': z
    .object({ imageIds: z.array(id).min(1).max(100_000), classId: id.nullable() })
    .strict(),
  'stats.get': z.object({}).strict(),
  'jobs.start': jobStartInputSchema,
  'models.list': z.object({}).strict(),
  'training.zoo': z.object({}).strict(),
  'training.augmentPreview': z
    .object({ imageId: id, augment: z.string().max(500), seed: z.number().int().min(0).max(2 ** 31).default(0) })
    .strict(),
  'models.get': z.object({ id: modelId }).strict(),
  'review.queue': z
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
    .strict(),
  'review.apply': z
    .object({
      annotationIds: z.array(id).min(1).max(100_000),
      action: z.enum(['accept', 'reject', 'relabel']),
      classId: id.optional(),
    })
    .strict()
    .refine((v) => v.action !== 'relabel' || v.classId !== undefined, { message: 'relabel needs a classId', path: ['classId'] }),
  'review.undo': z.object({}).strict(),
  'review.bulk': z
    .object({
      mode: z.enum(['accept-above', 'reject-below']),
      threshold: z.number().min(0).max(1),
      perClass: z.record(z.string().regex(/^\d+$/), z.number().min(0).max(1)).optional(),
      classId: id.optional(),
      round: z.number().int().min(0).optional(),
      /** Only count what would change (the preview before applying). */
      dryRun: z.boolean().default(false),
    })
    .strict(),
  'review.disagreements': z.object({ minConfidence: z.number().min(0).max(1).default(0.9), limit: z.number().int().min(1).max(1000).default(100) }).strict(),
  'review.counts': z.object({}).strict(),
  'rounds.list': z.object({}).strict(),
  'teachers.import': z.object({ file: pathString, spec: onnxSpecSchema.optional() }).strict(),
  /** Which project class each teacher class labels (null = ignore that teacher class). */
  'teachers.setClassMap': z
    .object({
      model: modelId,
      map: z
        .record(z.string().min(1).max(100), z.string().min(1).max(100).nullable())
        .refine((m) => Object.keys(m).length <= 10_000, 'a class map has at most 10,000 entries'),
    })
    .strict(),
  /** Images with pseudo boxes, most uncertain first (lowest box confidence) or most boxes first. */
  'review.images': z
    .object({
      status: z.enum(['pending', 'accepted', 'rejected', 'corrected']).default('pending'),
      order: z.enum(['confidence', 'count']).default('confidence'),
      classId: id.optional(),
      round: z.number().int().min(0).optional(),
      cursor: z.object({ value: z.number(), imageId: id }).strict().nullable().default(null),
      limit: z.number().int().min(1).max(500).default(100),
    })
    .strict(),
  'jobs.cancel': z.object({ jobId: z.string().min(1).max(100) }).strict(),
  'jobs.list': z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(),
  'jobs.get': z.object({ jobId: z.string().min(1).max(100) }).strict(),
  'backups.list': z.object({}).strict(),
  'backups.create': z.object({}).strict(),
  'backups.restore': z.object({ name: backupName }).strict(),
  'shapes.list': z.object({ imageId: id }).strict(),
  'shapes.create': z.object({ imageId: id, shapes: z.array(newShapeSchema).min(1).max(5000) }).strict(),
  'shapes.update': z
    .object({
      imageId: id,
      changes: z.array(z.object({ id, classId: id.optional(), geometry: anyGeometrySchema.optional() }).strict()).min(1).max(5000),
    })
    .strict(),
  'shapes.delete': z.object({ imageId: id, ids: z.array(id).min(1).max(5000) }).strict(),
  'shapes.undo': z.object({ imageId: id }).strict(),
  'shapes.redo': z.object({ imageId: id }).strict(),
  'project.setTask': z.object({ task: taskSchema }).strict(),
  'settings.shortcuts': z.object({}).strict(),
  'settings.setShortcuts': z
    .object({
      overrides: z
        .record(shortcutId, z.array(shortcutKey).max(6, 'a shortcut has at most 6 keys'))
        .refine((o) => Object.keys(o).length <= 300, 'at most 300 shortcuts can be changed'),
    })
    .strict(),
} as const;

export type Method = keyof typeof schemas;
export type MethodInput<M extends Method> = z.input<(typeof schemas)[M]>;
export type MethodParsed<M extends Method> = z.output<(typeof schemas)[M]>;
export const METHODS = Object.keys(schemas) as Method[];

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(schemas, name);
}
