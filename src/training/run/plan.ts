import type * as tf from '@tensorflow/tfjs';
import type Database from 'better-sqlite3';
import { AppError } from '../../api/errors';
import type { InputSpec } from '../data/input-spec';
import { decodeImages } from '../../media';
import { countClasses } from '../../store';
import { labeledRows, multiLabelClassSets, splitRows, type ProjectData } from '../data/project-data';
import { loadStudentData } from '../data/student-data';
import { buildArchitecture, defaultArchitecture } from '../models';
import { backboneFeatures, buildHead, composeWithHead, isOnnxBackboneRef, loadBackbone, loadOnnxBackbone, type Backbone, type OnnxBackbone } from '../transfer';
import type { OnnxInputSpec } from '../../inference/onnx';
import type { TrainOptions } from './options';

type Progress = (update: { phase: string; step: number; total: number; message?: string }) => void;

/**
 * What a run trains and on what: from scratch (an architecture on pixels), a new head on cached
 * backbone features (frozen), or a backbone plus new head trained together (finetune).
 */
export interface TrainingPlan {
  /** The name recorded for the model. */
  arch: string;
  /** The image input of the final model. */
  input: InputSpec;
  /** What the loop trains on: pixels, or features laid out 1x1xD. */
  data: ProjectData;
  /** A fresh model for the loop (the whole net, or only the head). */
  build(): tf.LayersModel;
  /** The image -> logits model to save, from the trained loop model. */
  finalize(trained: tf.LayersModel): tf.LayersModel;
  /** Finetune: the backbone's variables, which learn more slowly. */
  slowVariables?(model: tf.LayersModel): Set<string>;
  /** Augmentation works on images; a frozen run trains on fixed features and cannot use it. */
  augments: boolean;
  /** A head on features is so small that threads cost more than they save: one replica. */
  singleThread?: boolean;
  /** Students learn with the distillation loss (targets carry soft labels); multi-label projects with a sigmoid per class. */
  loss?: 'distillation' | 'sigmoid-binary-cross-entropy';
  /** A student's training data: human- and pseudo-labeled images. */
  studentCounts?: { human: number; pseudo: number };
  /** Frozen on an ONNX backbone: the model is saved as that backbone plus the trained head. */
  onnxBackbone?: { file: string; spec: OnnxInputSpec };
  note?: string;
}

export async function makePlan(
  db: Database.Database,
  projectDir: string,
  projectInput: InputSpec,
  options: TrainOptions,
  ctx: { signal: AbortSignal; onProgress: Progress },
): Promise<TrainingPlan> {
  const rows = labeledRows(db);
  // A multi-label project: multi-hot targets and binary cross-entropy (splitRows, losses/binary-cross-entropy).
  const classSets = multiLabelClassSets(db);
  const multi = classSets ? { loss: 'sigmoid-binary-cross-entropy' as const } : {};
  const numClasses = () => countClasses(db);
  const loading = (done: number, total: number) => ctx.onProgress({ phase: 'loading images', step: done, total });
  if (options.mode !== 'scratch' && !options.backbone) {
    throw new AppError('INVALID_INPUT', `--mode ${options.mode} needs a --backbone (a model of this project, or a tfjs model.json).`);
  }

  if (options.teacher && classSets) {
    throw new AppError('INVALID_INPUT', '--teacher (knowledge distillation) is not available for a multi-label project: its teachers give one class per image. Train without --teacher, or set the project setting multiLabel to false.');
  }
  if (options.teacher) {
    if (options.backbone) throw new AppError('UNSUPPORTED', 'A student is trained from scratch: --teacher cannot be combined with --backbone yet.');
    const arch = options.arch ?? defaultArchitecture(projectInput.height, projectInput.width);
    const data = await loadStudentData(db, projectDir, projectInput, options.teacher, {
      alpha: options.alpha, temperature: options.temperature, pendingAbove: options.pendingAbove, signal: ctx.signal, onProgress: loading,
    });
    return {
      arch,
      input: projectInput,
      data,
      augments: true,
      loss: 'distillation',
      note: `student of ${options.teacher}: ${data.counts.human} human-labeled and ${data.counts.pseudo} pseudo-labeled images`,
      studentCounts: { human: data.counts.human, pseudo: data.counts.pseudo },
      build: () =>
        buildArchitecture(arch, {
          ...projectInput, numClasses: data.classNames.length,
          dropout: options.dropout, widthMultiplier: options.widthMultiplier, init: options.init, seed: options.seed,
        }),
      finalize: (m) => m,
    };
  }

  if (!options.backbone) {
    const arch = options.arch ?? defaultArchitecture(projectInput.height, projectInput.width);
    const pixels = await decodeImages(projectDir, rows, projectInput, { signal: ctx.signal, onProgress: loading });
    const data = splitRows(db, rows, pixels, projectInput, classSets);
    return {
      arch,
      input: projectInput,
      data,
      augments: true,
      ...multi,
      build: () =>
        buildArchitecture(arch, {
          ...projectInput, numClasses: data.classNames.length,
          dropout: options.dropout, widthMultiplier: options.widthMultiplier, init: options.init, seed: options.seed,
        }),
      finalize: (m) => m,
    };
  }

  /** Frozen: a head trained on the backbone's features, computed once per image and cached. */
  const frozen = async (bb: Backbone | OnnxBackbone, rest: Pick<TrainingPlan, 'finalize' | 'onnxBackbone'>): Promise<TrainingPlan> => {
    const { features, cached } = await backboneFeatures(projectDir, bb, rows, {
      signal: ctx.signal,
      onProgress: (done, total) => ctx.onProgress({ phase: 'computing features', step: done, total }),
    });
    return {
      arch: `head on ${bb.name}`,
      input: bb.input,
      data: splitRows(db, rows, features, { height: 1, width: 1, channels: bb.featureDim }, classSets),
      augments: false,
      ...multi,
      singleThread: true,
      note: `${cached} of ${rows.length} images' features came from the cache`,
      build: () => buildHead(bb.featureDim, numClasses(), options.dropout, options.seed),
      ...rest,
    };
  };

  if (isOnnxBackboneRef(options.backbone)) {
    if (options.mode === 'finetune') {
      throw new AppError('UNSUPPORTED', 'An ONNX backbone cannot be fine-tuned here (onnxruntime does not train): use --mode frozen, or a tfjs backbone.');
    }
    const onnx = await loadOnnxBackbone(options.backbone);
    // The saved model is the head plus a copy of the ONNX backbone (see run-training).
    return frozen(onnx, { finalize: (head) => head, onnxBackbone: { file: onnx.file, spec: onnx.spec } });
  }

  const backbone = await loadBackbone(db, projectDir, options.backbone, {
    signal: ctx.signal,
    onProgress: (done, total) => ctx.onProgress({ phase: 'downloading backbone', step: done, total }),
  });
  if (options.mode === 'frozen' || options.mode === 'scratch') {
    // 'scratch' with a backbone makes no sense; a backbone alone means the usual transfer learning: frozen.
    return frozen(backbone, { finalize: (head) => composeWithHead(backbone.extractor, head as tf.Sequential, 'transfer') });
  }

  // finetune: the whole network trains on pixels; the backbone at a lower learning rate.
  const pixels = await decodeImages(projectDir, rows, backbone.input, { signal: ctx.signal, onProgress: loading });
  const data = splitRows(db, rows, pixels, backbone.input, classSets);
  const backboneVariables = new Set(backbone.extractor.trainableWeights.map((w) => (w.read() as tf.Variable).name));
  return {
    arch: `finetuned ${backbone.name}`,
    input: backbone.input,
    data,
    augments: true,
    ...multi,
    build: () => composeWithHead(backbone.extractor, buildHead(backbone.featureDim, numClasses(), options.dropout, options.seed), 'finetune'),
    finalize: (m) => m,
    slowVariables: () => backboneVariables,
  };
}
