/**
 * The pieces of AppApi's input schemas (ids, names, paths, geometry, training options) that the
 * method descriptors (methods.ts) and the job kinds (job-kinds.ts) are built from. Every transport
 * validates with them at the boundary, and `.strict()` objects reject unknown fields (a typo is an
 * error, not silently ignored).
 */
import { z } from 'zod';

export const id = z.number().int().positive();
export const className = z
  .string()
  .trim()
  .min(1, 'a class name cannot be empty')
  .max(100, 'a class name is at most 100 characters')
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((s) => !/[\\/\x00-\x1f]/.test(s), 'a class name cannot contain slashes or control characters');
export const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a color is #rrggbb');
export { splitSchema, taskSchema } from './types';
export const pathString = z.string().min(1).max(4096).refine((s) => !s.includes('\0'), 'a path cannot contain NUL');
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
export const modelId = plainName('a model id');

/** A backup is named by its file name in backups/: one plain name that can never leave that folder. */
export const backupName = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => !s.includes('..') && !s.includes('\0') && !/[\\/]/.test(s), 'a backup name cannot contain "..", slashes or NUL')
  .refine((s) => /^[A-Za-z0-9][A-Za-z0-9._-]*\.sqlite$/.test(s), 'a backup name is a .sqlite file name from backups.list');

export { importFormats, exportFormats } from './formats';
export const includeSources = ['human', 'accepted', 'corrected', 'pending', 'rejected'] as const;
export type IncludeSource = (typeof includeSources)[number];
/** Where an import puts its images: a split, or `auto` (as the dataset says, else 80/10/10 by content hash). */
export const importSplits = ['train', 'val', 'test', 'unlabeled', 'auto'] as const;
export type ImportSplit = (typeof importSplits)[number];

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
    /** How images reach the input size (src/inference/preprocess.ts); default bilinear as torchvision's Resize. */
    resize: z.enum(['bilinear', 'nearest', 'area', 'lanczos', 'sharp']).optional(),
    crop: z.enum(['none', 'center']).optional(),
    letterbox: z.boolean().optional(),
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
export const anyGeometrySchema = z
  .custom<GeometryInput>()
  .transform((g, ctx) => checkGeometry(g, g !== null && typeof g === 'object' && 'points' in g ? 'polygon' : 'box', ctx, []));
/** A region to draw: its geometry is checked as its kind says. */
export const newShapeSchema = z
  .object({ classId: id, kind: z.enum(['box', 'polygon']), geometry: z.custom<GeometryInput>() })
  .strict()
  .transform((s, ctx) => ({ ...s, geometry: checkGeometry(s.geometry, s.kind, ctx, ['geometry']) as GeometryOutput }));
export const shortcutId = z
  .string()
  .max(100, 'a shortcut id is at most 100 characters')
  .regex(/^[a-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)?$/, 'a shortcut id looks like "tool.box"');
export const shortcutKey = z
  .string()
  .min(1, 'a key cannot be empty')
  .max(40, 'a key is at most 40 characters')
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((s) => !/[\x00-\x1f\x7f]/.test(s), 'a key cannot contain control characters');

