/**
 * exportOnnx: a tfjs LayersModel (image classifier that outputs logits) -> ONNX bytes, opset 13.
 *
 * The graph keeps the app's input convention — NHWC float32 'image' [batch, H, W, C] — and turns
 * it to NCHW with one Transpose, because ONNX Conv and pooling are NCHW. Outputs: 'logits'
 * [batch, classes] and 'probabilities' (Softmax of the logits; for a multi-label model a Sigmoid
 * per class, and the metadata says multi_label = true). The baked variant takes raw uint8
 * pixels ('image_uint8') and does the scaling itself, for consumers that have no preprocessing code.
 */
import type * as tf from '@tensorflow/tfjs';
import { ConvertContext, convertGraph } from './converters';
import { OnnxGraphBuilder } from './graph-builder';
import { metadataProps, type ExportMetadata, type PreprocessingSpec } from './metadata';
import { onnx } from './onnx-proto';

export const ONNX_OPSET = 13;
/** IR version 7 is the one that goes with opset 13 (ONNX 1.8); older runtimes accept it. */
export const ONNX_IR_VERSION = 7;
export const PRODUCER_NAME = 'Apprentice';

/** The graph's public names: the app, the README example and the CLI's teacher loader use them. */
export const ONNX_NAMES = {
  image: 'image',
  imageUint8: 'image_uint8',
  logits: 'logits',
  probabilities: 'probabilities',
  batch: 'batch',
} as const;

export interface OnnxExportOptions {
  /** Fold each batch norm into the conv/dense before it (default true); false keeps BatchNormalization nodes. */
  foldBatchNorm?: boolean;
  /** uint8 NHWC input with the scaling (and mean/std) inside the graph. Default false. */
  bakedPreprocessing?: boolean;
  /** Per-channel normalization after scaling, if the model was trained with it: (x * scale - mean) / std. */
  mean?: number[];
  std?: number[];
  /** Written to the file (producer_version, apprentice_version). */
  apprenticeVersion?: string;
}

export function exportOnnx(model: tf.LayersModel, meta: ExportMetadata, options: OnnxExportOptions = {}): Uint8Array {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`only models with one input and one output can be exported (this one has ${model.inputs.length} and ${model.outputs.length})`);
  }
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;
  const [, height, width, channels] = input.shape;
  if (input.shape.length !== 4 || typeof height !== 'number' || typeof width !== 'number' || typeof channels !== 'number') {
    throw new Error(`the model's input must be an image of known size [batch, H, W, C], got [${input.shape.join(', ')}]`);
  }
  if (meta.input.height !== height || meta.input.width !== width || meta.input.channels !== channels) {
    throw new Error(`the metadata says ${meta.input.width}x${meta.input.height}x${meta.input.channels} but the model takes ${width}x${height}x${channels}`);
  }
  const classes = output.shape[1];
  if (output.shape.length !== 2 || typeof classes !== 'number') throw new Error(`the model's output must be [batch, classes], got [${output.shape.join(', ')}]`);
  if (meta.classes.length !== classes) throw new Error(`the model has ${classes} outputs but ${meta.classes.length} class names`);
  for (const [key, v] of [['mean', options.mean], ['std', options.std]] as const) {
    if (v && v.length !== channels) throw new Error(`${key} has ${v.length} values for ${channels} channels`);
  }
  if (options.std?.some((s) => s === 0)) throw new Error('std must not contain 0');

  const pre: PreprocessingSpec = {
    height, width, channels, layout: 'nhwc', scale: meta.input.scale,
    ...(options.mean ? { mean: options.mean } : {}),
    ...(options.std ? { std: options.std } : {}),
  };
  const baked = options.bakedPreprocessing ?? false;
  const version = options.apprenticeVersion ?? 'unknown';
  const graph = new OnnxGraphBuilder();
  for (const name of Object.values(ONNX_NAMES)) graph.reserve(name);

  const nhwc = baked ? bakedInput(graph, pre) : floatInput(graph, pre);
  const nchw = graph.op('Transpose', [nhwc], 'image_nchw', { perm: [0, 3, 1, 2] });
  const ctx = new ConvertContext(graph, { foldBatchNorm: options.foldBatchNorm ?? true });
  ctx.values.set(input.id, nchw);
  const [out] = convertGraph(ctx, [output]);
  graph.rename(out!, ONNX_NAMES.logits);
  const probs = meta.multiLabel ? graph.op('Sigmoid', [ONNX_NAMES.logits], 'sigmoid') : graph.op('Softmax', [ONNX_NAMES.logits], 'softmax', { axis: 1 });
  graph.rename(probs, ONNX_NAMES.probabilities);

  const dims = [ONNX_NAMES.batch, classes];
  const logitsDoc = meta.multiLabel ? 'raw class scores (apply a sigmoid to each for its probability)' : 'raw class scores (apply softmax for probabilities)';
  const probsDoc = meta.multiLabel
    ? `each class's own probability (multi-label: every class >= 0.5 is present); class names in the 'classes' metadata`
    : `class probabilities; class names in the 'classes' metadata`;
  // The baked variant is for consumers that want an answer without any code: probabilities first.
  if (baked) {
    graph.declare('output', ONNX_NAMES.probabilities, 'float32', dims, probsDoc);
    graph.declare('output', ONNX_NAMES.logits, 'float32', dims, logitsDoc);
  } else {
    graph.declare('output', ONNX_NAMES.logits, 'float32', dims, logitsDoc);
    graph.declare('output', ONNX_NAMES.probabilities, 'float32', dims, probsDoc);
  }

  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: PRODUCER_NAME,
    producerVersion: version,
    docString: `${meta.arch ?? model.name} image classifier exported by Apprentice`,
    graph: graph.toGraph(model.name || 'apprentice'),
    metadataProps: Object.entries(metadataProps(meta, pre, baked, version)).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(proto).finish();
}

export function floatInput(graph: OnnxGraphBuilder, pre: PreprocessingSpec): string {
  graph.declare('input', ONNX_NAMES.image, 'float32', [ONNX_NAMES.batch, pre.height, pre.width, pre.channels],
    `NHWC float32 pixels, already preprocessed: (pixel * ${pre.scale}${pre.mean ? ' - mean' : ''})${pre.std ? ' / std' : ''}`);
  return ONNX_NAMES.image;
}

/** uint8 pixels -> float -> * scale (-> - mean -> / std), all in NHWC so mean/std broadcast over C. */
export function bakedInput(graph: OnnxGraphBuilder, pre: PreprocessingSpec): string {
  graph.declare('input', ONNX_NAMES.imageUint8, 'uint8', [ONNX_NAMES.batch, pre.height, pre.width, pre.channels], 'NHWC uint8 pixels 0..255');
  let x = graph.op('Cast', [ONNX_NAMES.imageUint8], 'image_float', { to: onnx.TensorProto.DataType.FLOAT });
  x = graph.op('Mul', [x, graph.scalar(pre.scale)], 'image_scaled');
  if (pre.mean) x = graph.op('Sub', [x, graph.floats('preprocess/mean', [pre.channels], new Float32Array(pre.mean))], 'image_centered');
  if (pre.std) x = graph.op('Div', [x, graph.floats('preprocess/std', [pre.channels], new Float32Array(pre.std))], 'image_normalized');
  return x;
}
