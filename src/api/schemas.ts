/**
 * zod schemas for every AppApi input. Every transport validates with these at the boundary,
 * and `.strict()` objects reject unknown fields (a typo is an error, not silently ignored).
 */
import { z } from 'zod';
import { exportFormats, importFormats } from './formats';
import { splitSchema, taskSchema } from './types';

const id = z.number().int().positive();
const className = z
  .string()
  .trim()
  .min(1, 'a class name cannot be empty')
  .max(100, 'a class name is at most 100 characters')
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((s) => !/[\\/\x00-\x1f]/.test(s), 'a class name cannot contain slashes or control characters');
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a color is #rrggbb');
export { splitSchema, taskSchema } from './types';
const pathString = z.string().min(1).max(4096).refine((s) => !s.includes('\0'), 'a path cannot contain NUL');
/**
 * One plain file or folder name: the shape of every id that is joined into a path (run ids,
 * model ids). It starts with a letter or digit and has no separators, so it is never ".", ".."
 * or hidden. The join itself goes through store/confine.ts `pathInside`, which checks it again.
 */
export const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const plainName = (what: string) =>
  z.string().min(1).max(200).regex(PLAIN_NAME, `${what} is a plain name (letters, digits, ".", "_" and "-"; no slashes or "..")`);
/** A training run, as `train` printed it (run-...). */
const runId = plainName('a run id');
/** A model of this project, as `models` lists it. */
const modelId = plainName('a model id');

/** A backup is named by its file name in backups/: one plain name that can never leave that folder. */
const backupName = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !s.includes('..') && !s.includes('\0') && !/[\\/]/.test(s), 'a backup name cannot contain "..", slashes or NUL')
  .refine((s) => /^[A-Za-z0-9][A-Za-z0-9._-]*\.sqlite$/.test(s), 'a backup name is a .sqlite file name from backups.list');

export { importFormats, exportFormats } from './formats';
export const includeSources = ['human', 'accepted', 'corrected', 'pending', 'rejected'] as const;

/** Training the box student (a small anchor-free detector) on the project's boxes. */
export const detectorTrainInputSchema = z
  .object({
    epochs: z.number().int().min(1).max(1000).default(30),
    batchSize: z.number().int().min(1).max(1024).default(16),
    learningRate: z.number().positive().max(1).default(0.002),
    /** Square input side, a multiple of 8; default: the project's images up to 64 px keep their size, larger ones 128. */
    inputSize: z.number().int().min(16).max(512).refine((v) => v % 8 === 0, 'the input size is a multiple of 8').nullable().default(null),
    /** Also learn from a teacher's pending boxes scoring at least this (their score is the objectness target). */
    pendingAbove: z.number().min(0).max(1).nullable().default(null),
    seed: z.number().int().min(0).max(2 ** 31).default(42),
    dropout: z.number().min(0).max(0.9).default(0.1),
    /** Horizontal flips (the boxes flip too). */
    flip: z.boolean().default(true),
  })
  .strict();

export const architectures = ['small-cnn', 'vgg', 'resnet', 'inception', 'mobilenetv2'] as const;
export const optimizers = ['sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam'] as const;

/** Everything a training run can be told. Defaults are the "quick" preset. */
export const trainInputSchema = z
  .object({
    arch: z.enum(architectures).optional(),
    epochs: z.number().int().min(1).max(1000).default(10),
    batchSize: z.number().int().min(1).max(4096).default(64),
    learningRate: z.number().positive().max(10).default(0.001),
    optimizer: z.enum(optimizers).default('adam'),
    schedule: z.string().max(100).default('constant'),
    augment: z.string().max(500).default(''),
    earlyStop: z.number().int().min(1).max(1000).nullable().default(null),
    dropout: z.number().min(0).max(0.9).default(0.2),
    widthMultiplier: z.number().min(0.1).max(4).default(1),
    init: z.enum(['he', 'xavier']).default('he'),
    seed: z.number().int().min(0).max(2 ** 31).default(42),
    kfold: z.number().int().min(2).max(20).nullable().default(null),
    search: z.enum(['grid', 'random', 'bayes']).nullable().default(null),
    trials: z.number().int().min(1).max(200).default(8),
    /** A pretrained network to start from: a model id of this project, or a tfjs model.json / folder. */
    backbone: z.string().min(1).max(4096).nullable().default(null),
    /** frozen: train a new head on cached backbone features; finetune: train all, the backbone slower. */
    mode: z.enum(['scratch', 'frozen', 'finetune']).default('scratch'),
    /** In finetune mode the backbone learns at this fraction of the head's learning rate. */
    backboneLrFactor: z.number().positive().max(1).default(0.1),
    /** Distillation: train a student on human labels plus this teacher's reviewed pseudo-labels (its stored soft labels). */
    teacher: z.string().min(1).max(4096).nullable().default(null),
    /** Weight of the soft (teacher) term: alpha * T^2 * KL + (1 - alpha) * CE. */
    alpha: z.number().min(0).max(1).default(0.5),
    /** Temperature of the soft labels; must match the one used when pseudo-labeling. */
    temperature: z.number().positive().max(100).nullable().default(null),
    /** Also train on pending pseudo-labels at or above this confidence (marked as such). */
    pendingAbove: z.number().min(0).max(1).nullable().default(null),
    /** Resume this earlier run from its last checkpoint instead of starting anew. */
    resume: runId.nullable().default(null),
  })
  .strict();

/** Preprocessing of an ONNX teacher, as the CLI flags give it (see CLI.md). */
export const onnxSpecSchema = z
  .object({
    inputSize: z.string().regex(/^\d+x\d+$/, 'the input size is WxH, e.g. 224x224').optional(),
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
    layout: z.enum(['nchw', 'nhwc']).optional(),
    scale: z.number().positive().optional(),
    mean: z.array(z.number()).min(1).max(3).optional(),
    std: z.array(z.number().positive()).min(1).max(3).optional(),
    classes: z.array(z.string().min(1).max(100)).min(1).max(10_000).optional(),
    /** Detector teachers: boxes scoring below this are dropped (default 0.25). */
    scoreThreshold: z.number().min(0).max(1).optional(),
    /** Detector teachers: NMS IoU threshold (default 0.45). */
    iouThreshold: z.number().min(0).max(1).optional(),
  })
  .strict();

/** Region geometry, normalized to [0, 1] of the EXIF-upright image (a little slack for rounding). */
const coordinate = z.number().min(0, 'a coordinate is at least 0').max(1, 'a coordinate is at most 1');
export const boxGeometrySchema = z
  .object({
    x: coordinate,
    y: coordinate,
    w: z.number().positive('a box width is more than 0').max(1, 'a box width is at most 1'),
    h: z.number().positive('a box height is more than 0').max(1, 'a box height is at most 1'),
  })
  .strict()
  .refine((g) => g.x + g.w <= 1 + 1e-6, { message: 'the box reaches past the right edge (x + w > 1)', path: ['w'] })
  .refine((g) => g.y + g.h <= 1 + 1e-6, { message: 'the box reaches past the bottom edge (y + h > 1)', path: ['h'] });
export const polygonGeometrySchema = z
  .object({
    points: z
      .array(z.tuple([coordinate, coordinate]))
      .min(3, 'a polygon has at least 3 points')
      .max(10_000, 'a polygon has at most 10,000 points'),
  })
  .strict();
type GeometryInput = z.input<typeof boxGeometrySchema> | z.input<typeof polygonGeometrySchema>;
type GeometryOutput = z.output<typeof boxGeometrySchema> | z.output<typeof polygonGeometrySchema>;
/** Check a geometry as a box or a polygon; each failure is reported under `path` plus the field inside. */
function checkGeometry(g: unknown, kind: 'box' | 'polygon', ctx: z.RefinementCtx, path: PropertyKey[]): GeometryOutput | typeof z.NEVER {
  const parsed = (kind === 'polygon' ? polygonGeometrySchema : boxGeometrySchema).safeParse(g);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: [...path, ...(issue.path as PropertyKey[])] });
  return z.NEVER;
}
/** A box or a polygon, told apart by `points`; a failure names the field inside the geometry. */
const anyGeometrySchema = z
  .custom<GeometryInput>()
  .transform((g, ctx) => checkGeometry(g, g !== null && typeof g === 'object' && 'points' in g ? 'polygon' : 'box', ctx, []));
/** A region to draw: its geometry is checked as its kind says. */
const newShapeSchema = z
  .object({ classId: id, kind: z.enum(['box', 'polygon']), geometry: z.custom<GeometryInput>() })
  .strict()
  .transform((s, ctx) => ({ ...s, geometry: checkGeometry(s.geometry, s.kind, ctx, ['geometry']) as GeometryOutput }));
const shortcutId = z
  .string()
  .max(100, 'a shortcut id is at most 100 characters')
  .regex(/^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?$/, 'a shortcut id looks like "tool.box"');
const shortcutKey = z
  .string()
  .min(1, 'a key cannot be empty')
  .max(40, 'a key is at most 40 characters')
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((s) => !/[\x00-\x1f\x7f]/.test(s), 'a key cannot contain control characters');

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
  'jobs.start': z.discriminatedUnion('kind', [
    z
      .object({
        kind: z.literal('import'),
        input: z
          .object({
            paths: z.array(pathString).min(1).max(10_000),
            format: z.enum(importFormats).default('auto'),
            split: z.enum(['train', 'val', 'test', 'unlabeled', 'auto']).default('auto'),
            /** Also import images outside the folder or dataset given (symbolic links, `..` paths). */
            followLinks: z.boolean().default(false),
          })
          .strict(),
      })
      .strict(),
    z.object({ kind: z.literal('train'), input: trainInputSchema }).strict(),
    z.object({ kind: z.literal('train-detector'), input: detectorTrainInputSchema }).strict(),
    z
      .object({
        kind: z.literal('evaluate'),
        // spec: for an ONNX file model (imported as a teacher), preprocessing and class names that override its sidecar and metadata.
        input: z.object({ model: z.string().min(1).max(4096), split: splitSchema.default('test'), spec: onnxSpecSchema.optional() }).strict(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('predict'),
        input: z.object({ model: z.string().min(1).max(4096), split: splitSchema.nullable().default(null), spec: onnxSpecSchema.optional() }).strict(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('self-train'),
        input: z
          .object({
            teacher: z.string().min(1).max(4096),
            rounds: z.number().int().min(1).max(10).default(2),
            /** Pseudo-labels at or above this confidence are accepted automatically each round. */
            acceptAbove: z.number().min(0).max(1).default(0.9),
            /** Noisy student: RandAugment and dropout on while the student learns. */
            noise: z.string().max(500).default('flip,randaugment:2:9'),
            train: trainInputSchema.omit({ teacher: true, resume: true, search: true, kfold: true }).partial().default({}),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('export-model'),
        input: z
          .object({
            model: z.string().min(1).max(4096),
            format: z.enum(['onnx', 'tfjs']),
            out: pathString,
            verify: z.boolean().default(true),
            /** ONNX only: uint8 NHWC image in, probabilities out (no preprocessing code needed). */
            baked: z.boolean().default(false),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('pseudo-label'),
        input: z
          .object({
            teacher: z.string().min(1).max(4096),
            temperature: z.number().positive().max(100).default(2),
            split: splitSchema.default('unlabeled'),
            /** For an ONNX file teacher: preprocessing that overrides its sidecar, metadata and shape. */
            spec: onnxSpecSchema.optional(),
          })
          .strict(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('export'),
        input: z
          .object({
            format: z.enum(exportFormats),
            out: pathString,
            include: z.array(z.enum(includeSources)).min(1).default(['human', 'accepted', 'corrected']),
          })
          .strict(),
      })
      .strict(),
  ]),
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
