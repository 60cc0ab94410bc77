/**
 * Job kinds, each described once: the title the studio shows while it runs, the word that names
 * it when it ends, the zod schema of its input and of its result. The `jobs.start` input union,
 * the renderer's titles and the CLI's job inputs derive from this list; adding a kind is a
 * descriptor here and its implementation (the service's case), nothing else.
 */
import { z } from 'zod';
import { exportFormats, importFormats } from './formats';
import { detectorTrainInputSchema, importSplits, includeSources, onnxSpecSchema, pathString, trainInputSchema } from './schemas';
import { classScoreSchema, exportResultSchema, importResultSchema, modelMetricsSchema, multiLabelMetricsSchema, pseudoLabelResultSchema, splitSchema, trainResultSchema } from './types';

interface JobDescriptor<K extends string, I extends z.ZodType, R extends z.ZodType> {
  kind: K;
  /** Shown while it runs: "Pseudo-labeling", "Exporting the model". */
  title: string;
  /** Names it in the message when it ends: "Model export cancelled.", "Import finished." */
  noun: string;
  input: I;
  result: R;
}
const job = <K extends string, I extends z.ZodType, R extends z.ZodType>(d: JobDescriptor<K, I, R>) => d;

export const JOB_KINDS = [
  job({
    kind: 'import',
    title: 'Importing',
    noun: 'Import',
    input: z
      .object({
        paths: z.array(pathString).min(1).max(10_000),
        format: z.enum(importFormats).default('auto'),
        split: z.enum(importSplits).default('auto'),
        /** Also import images outside the folder or dataset given (symbolic links, `..` paths). */
        followLinks: z.boolean().default(false),
        /** A dataset's image folder, when its layout cannot be guessed; file names in the dataset are resolved against it. */
        imagesRoot: pathString.optional(),
      })
      .strict(),
    result: importResultSchema,
  }),
  job({ kind: 'train', title: 'Training', noun: 'Training', input: trainInputSchema, result: trainResultSchema }),
  job({
    kind: 'train-detector',
    title: 'Training the detector',
    noun: 'Training the detector',
    input: detectorTrainInputSchema,
    result: z.object({
      modelId: z.string(),
      backend: z.string(),
      epochs: z.number(),
      metrics: modelMetricsSchema,
      imagesPerSecond: z.number(),
      wallImagesPerSecond: z.number(),
      trainingSeconds: z.number(),
      trainedImages: z.number(),
      data: z.unknown(),
    }),
  }),
  job({
    kind: 'evaluate',
    title: 'Evaluating',
    noun: 'Evaluate',
    // spec: for an ONNX file model (imported as a teacher), preprocessing and class names that override its sidecar and metadata.
    input: z.object({ model: z.string().min(1).max(4096), split: splitSchema.default('test'), spec: onnxSpecSchema.optional() }).strict(),
    result: z.object({
      accuracy: z.number(),
      images: z.number(),
      topK: z.object({ k: z.number(), accuracy: z.number() }).optional(),
      perClass: z.array(classScoreSchema),
      /** Empty for a multi-label model (an image can be right about one class and wrong about another). */
      confusion: z.array(z.array(z.number())),
      /** Multi-label: trueClass and predictedClass are the class sets joined with ', ' (see trueClasses, predictedClasses). */
      misclassified: z.array(z.object({
        imageId: z.number(), image: z.string(), trueClass: z.string(), predictedClass: z.string(), confidence: z.number(),
        trueClasses: z.array(z.string()).optional(), predictedClasses: z.array(z.string()).optional(),
      })),
      /** A multi-label model: accuracy is exact match, perClass at the threshold. */
      multiLabel: multiLabelMetricsSchema.optional(),
    }),
  }),
  job({
    kind: 'predict',
    title: 'Predicting',
    noun: 'Predict',
    input: z.object({ model: z.string().min(1).max(4096), split: splitSchema.nullable().default(null), spec: onnxSpecSchema.optional() }).strict(),
    result: z.object({
      classes: z.array(z.string()),
      /** Set for a multi-label model: probs are per-class sigmoids, `labels` every class at or above `threshold`. */
      multiLabel: z.object({ threshold: z.number() }).optional(),
      predictions: z.array(
        z.object({
          imageId: z.number(), image: z.string(), label: z.string(), confidence: z.number(), probs: z.array(z.number()), trueLabel: z.string().nullable(),
          /** Multi-label models: every class with probability >= the threshold (label is the most probable, even below it). */
          labels: z.array(z.string()).optional(),
          /** Multi-label models: the image's own classes (empty when unlabeled). */
          trueLabels: z.array(z.string()).optional(),
        }),
      ),
    }),
  }),
  job({
    kind: 'self-train',
    title: 'Self-training',
    noun: 'Self-training',
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
    result: z.object({
      rounds: z.array(z.object({ round: z.number(), teacher: z.string(), modelId: z.string(), metrics: modelMetricsSchema, accepted: z.number() })),
      /** Set when the project had no classes and took the teacher's. */
      adoptedClasses: z.array(z.string()).optional(),
    }),
  }),
  job({
    kind: 'export-model',
    title: 'Exporting the model',
    noun: 'Model export',
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
    result: z.object({
      out: z.string(),
      format: z.string(),
      /** False when verification was not asked for or failed. */
      verified: z.boolean(),
      maxAbsDiff: z.number().nullable(),
      top1Agreement: z.number().nullable(),
      files: z.array(z.string()),
    }),
  }),
  job({
    kind: 'pseudo-label',
    title: 'Pseudo-labeling',
    noun: 'Pseudo-labeling',
    input: z
      .object({
        teacher: z.string().min(1).max(4096),
        temperature: z.number().positive().max(100).default(2),
        split: splitSchema.default('unlabeled'),
        /** For an ONNX file teacher: preprocessing that overrides its sidecar, metadata and shape. */
        spec: onnxSpecSchema.optional(),
      })
      .strict(),
    result: pseudoLabelResultSchema,
  }),
  job({
    kind: 'export',
    title: 'Exporting',
    noun: 'Export',
    input: z
      .object({
        format: z.enum(exportFormats),
        out: pathString,
        include: z.array(z.enum(includeSources)).min(1).default(['human', 'accepted', 'corrected']),
      })
      .strict(),
    // Detection formats also list what they could not hold (nothing is dropped without a line).
    result: exportResultSchema.extend({ skipped: z.array(z.object({ file: z.string(), where: z.string(), reason: z.string() })).optional() }),
  }),
] as const;

type Kinds = typeof JOB_KINDS;
export type JobKind = Kinds[number]['kind'];
type KindDescriptor<K extends JobKind> = Extract<Kinds[number], { kind: K }>;
/** What a job of this kind returns (its `result` in jobs.get and jobDone). */
export type JobResult<K extends JobKind> = z.output<KindDescriptor<K>['result']>;

export const JOB_KIND_NAMES = JOB_KINDS.map((d) => d.kind) as JobKind[];
/** Titles while running, by kind: "Pseudo-labeling", "Exporting the model". */
export const JOB_TITLES = Object.fromEntries(JOB_KINDS.map((d) => [d.kind, d.title])) as Record<JobKind, string>;
/** The word that names a job when it ends, by kind: "Model export", "Import". */
export const JOB_NOUNS = Object.fromEntries(JOB_KINDS.map((d) => [d.kind, d.noun])) as Record<JobKind, string>;

/** The descriptor of a kind, or undefined for a kind this version does not know (an older job record). */
export function jobKind(kind: string): Kinds[number] | undefined {
  return JOB_KINDS.find((d) => d.kind === kind);
}

type StartOption<D> = D extends Kinds[number] ? z.ZodObject<{ kind: z.ZodLiteral<D['kind']>; input: D['input'] }, z.core.$strict> : never;
/** A homomorphic mapped type over the tuple keeps it a tuple: one option per kind, in order. */
type StartOptions<T extends readonly unknown[]> = { -readonly [I in keyof T]: StartOption<T[I]> };
/** jobs.start's input: `{ kind, input }`, the input checked with its kind's schema. */
export const jobStartInputSchema = z.discriminatedUnion(
  'kind',
  JOB_KINDS.map((d) => z.object({ kind: z.literal(d.kind), input: d.input }).strict()) as unknown as StartOptions<Kinds>,
);
