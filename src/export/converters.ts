/**
 * One converter per tfjs layer class: each reads its layer's config and weights and emits ONNX
 * nodes. Layout rule: a rank-4 tfjs tensor (NHWC) lives in the ONNX graph as NCHW (what ONNX Conv
 * and pooling want); rank-2 tensors are the same in both. So a tfjs "last axis" is ONNX axis 1 for
 * both, and only Flatten of an image needs to turn the layout back.
 */
import type * as tf from '@tensorflow/tfjs';
import { clip, emitActivation } from './activations';
import type { OnnxGraphBuilder } from './graph-builder';
import { isNestedModel, orderedCalls, readersByTensor, type LayerCall } from './layer-graph';
import { onnxPads } from './padding';
import { batchNormParams, convKernel, denseKernel, depthwiseKernel, floatsOf, foldBatchNorm, layerWeight, type OnnxWeight } from './weights';

/** A layer whose class the exporter does not know: the message names the layer and its class. */
export class UnsupportedLayerError extends Error {
  constructor(
    readonly layerName: string,
    readonly className: string,
    reason?: string,
  ) {
    super(
      `layer '${layerName}' (${className}) cannot be exported to ONNX: ${reason ?? 'this layer type is not supported'}. ` +
        `Supported layers: ${SUPPORTED_LAYERS.join(', ')}.`,
    );
    this.name = 'UnsupportedLayerError';
  }
}

export interface ConvertOptions {
  /** Fold a batch norm into the conv/dense before it (default) instead of a BatchNormalization node. */
  foldBatchNorm: boolean;
}

/** What converters share: the graph being built and the ONNX name of every tfjs tensor so far. */
export class ConvertContext {
  /** tfjs SymbolicTensor id -> ONNX value name. */
  readonly values = new Map<number, string>();
  constructor(
    readonly graph: OnnxGraphBuilder,
    readonly options: ConvertOptions,
  ) {}

  name(t: tf.SymbolicTensor): string {
    const name = this.values.get(t.id);
    if (name === undefined) throw new Error(`internal: tensor ${t.name} used before it was converted`);
    return name;
  }
}

/** One graph (the model, or a nested model being inlined) with its calls and who reads what. */
interface Scope {
  ctx: ConvertContext;
  readers: Map<number, LayerCall[]>;
  outputIds: Set<number>;
  /** Calls already emitted by an earlier converter (a batch norm folded into its conv). */
  done: Set<LayerCall>;
}

type Converter = (scope: Scope, call: LayerCall) => void;

/** Converts the graph from `inputs` (already named in ctx) to `outputs`; returns the outputs' names. */
export function convertGraph(ctx: ConvertContext, outputs: tf.SymbolicTensor[]): string[] {
  const calls = orderedCalls(outputs);
  const scope: Scope = { ctx, readers: readersByTensor(calls), outputIds: new Set(outputs.map((t) => t.id)), done: new Set() };
  for (const call of calls) {
    if (scope.done.has(call)) continue;
    const className = call.layer.getClassName();
    if (isNestedModel(call.layer)) {
      inlineNestedModel(scope, call);
      continue;
    }
    const convert = CONVERTERS[className];
    if (!convert) throw new UnsupportedLayerError(call.layer.name, className);
    convert(scope, call);
  }
  return outputs.map((t) => ctx.name(t));
}

/** A model used as a layer (a backbone): bind its inputs to the outer values and convert its graph. */
function inlineNestedModel(scope: Scope, call: LayerCall): void {
  const inner = call.layer as unknown as { inputs: tf.SymbolicTensor[]; outputs: tf.SymbolicTensor[] };
  if (inner.inputs.length !== call.inputs.length || inner.outputs.length !== call.outputs.length) {
    throw new UnsupportedLayerError(call.layer.name, call.layer.getClassName(), 'a nested model called with a different number of tensors');
  }
  inner.inputs.forEach((t, i) => scope.ctx.values.set(t.id, scope.ctx.name(call.inputs[i]!)));
  const names = convertGraph(scope.ctx, inner.outputs);
  call.outputs.forEach((t, i) => scope.ctx.values.set(t.id, names[i]!));
}

// ---- helpers -------------------------------------------------------------------------------

interface Config {
  [key: string]: unknown;
}

function config(call: LayerCall): Config {
  return call.layer.getConfig() as Config;
}

function fail(call: LayerCall, reason: string): never {
  throw new UnsupportedLayerError(call.layer.name, call.layer.getClassName(), reason);
}

function pair(value: unknown, call: LayerCall, what: string): [number, number] {
  const v = typeof value === 'number' ? [value, value] : (value as number[] | undefined);
  if (!Array.isArray(v) || v.length !== 2) fail(call, `unexpected ${what} ${JSON.stringify(value)}`);
  return [v[0]!, v[1]!];
}

function channelsLast(call: LayerCall): void {
  const format = config(call).dataFormat;
  if (format !== undefined && format !== 'channelsLast') fail(call, `dataFormat '${String(format)}' (only channelsLast)`);
}

/** The spatial size of a rank-4 NHWC input; exporting needs it to compute 'same' padding. */
function imageInput(call: LayerCall, index = 0): { height: number; width: number; channels: number } {
  const t = call.inputs[index]!;
  if (t.shape.length !== 4) fail(call, `expects an image (rank-4) input, got shape [${t.shape.join(', ')}]`);
  const [, height, width, channels] = t.shape;
  if (typeof height !== 'number' || typeof width !== 'number' || typeof channels !== 'number') {
    fail(call, `the input size must be known (got [${t.shape.join(', ')}])`);
  }
  return { height, width, channels };
}

function input(scope: Scope, call: LayerCall, index = 0): string {
  return scope.ctx.name(call.inputs[index]!);
}

function single(call: LayerCall): void {
  if (call.inputs.length !== 1 || call.outputs.length !== 1) fail(call, `called on ${call.inputs.length} tensors`);
}

/** The ONNX axis holding tfjs axis `axis` of a tensor of rank `rank`. */
function onnxAxis(axis: number, rank: number, call: LayerCall): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a <= 0 || a >= rank) fail(call, `axis ${axis} of a rank-${rank} tensor`);
  if (rank !== 4) return a;
  return ({ 1: 2, 2: 3, 3: 1 } as Record<number, number>)[a]!;
}

/**
 * The batch norm that can be folded into this call's output: the only reader of the output is a
 * batch norm over channels, the producer has no activation in between, and the output is not
 * itself a model output (it would disappear).
 */
function foldableBatchNorm(scope: Scope, call: LayerCall, activation: unknown): LayerCall | null {
  if (!scope.ctx.options.foldBatchNorm || (activation ?? 'linear') !== 'linear') return null;
  const out = call.outputs[0]!;
  if (scope.outputIds.has(out.id)) return null;
  const readers = scope.readers.get(out.id) ?? [];
  if (readers.length !== 1) return null;
  const bn = readers[0]!;
  if (bn.layer.getClassName() !== 'BatchNormalization' || bn.inputs.length !== 1) return null;
  const axis = (bn.layer.getConfig() as { axis?: number | number[] }).axis;
  const rank = out.shape.length;
  const a = Array.isArray(axis) ? (axis.length === 1 ? axis[0] : undefined) : axis;
  if (a === undefined || (a !== -1 && a !== rank - 1)) return null;
  return bn;
}

/**
 * Emits the weighted op (Conv or Gemm) with its bias, folding a following batch norm, then the
 * layer's activation; binds the result to the right tfjs tensor.
 */
function emitWeighted(
  scope: Scope,
  call: LayerCall,
  weight: OnnxWeight,
  bias: Float32Array | null,
  emit: (w: string, b: string | null) => string,
  activation: string,
  channelAxis: number,
): void {
  const { graph } = scope.ctx;
  let out = call.outputs[0]!;
  const bn = foldableBatchNorm(scope, call, activation);
  if (bn) {
    ({ weight, bias } = foldBatchNorm(weight, bias, batchNormParams(bn.layer)));
    out = bn.outputs[0]!;
    scope.done.add(bn);
  }
  const base = bn ? bn.layer.name : call.layer.name;
  const w = graph.floats(`${call.layer.name}/weight`, weight.dims, weight.values);
  const b = bias ? graph.floats(`${call.layer.name}/bias${bn ? '_bn_folded' : ''}`, [weight.dims[0]!], bias) : null;
  const y = emit(w, b);
  scope.ctx.values.set(out.id, emitActivation(graph, y, activation, `${base}_${activation}`, channelAxis, `layer '${call.layer.name}'`));
}

function optionalBias(call: LayerCall): Float32Array | null {
  if (config(call).useBias === false) return null;
  const bias = layerWeight(call.layer, 'bias');
  return bias ? floatsOf(bias) : null;
}

// ---- converters ----------------------------------------------------------------------------

function conv2d(depthwise: boolean): Converter {
  return (scope, call) => {
    single(call);
    channelsLast(call);
    const c = config(call);
    const x = imageInput(call);
    const kernel = layerWeight(call.layer, depthwise ? 'depthwise_kernel' : 'kernel');
    if (!kernel) fail(call, 'no kernel weights');
    const weight = depthwise ? depthwiseKernel(kernel) : convKernel(kernel);
    const group = depthwise ? x.channels : 1;
    const kernelShape = pair(c.kernelSize, call, 'kernelSize');
    const strides = pair(c.strides ?? 1, call, 'strides');
    const dilations = pair(c.dilationRate ?? 1, call, 'dilationRate');
    const pads = onnxPads(String(c.padding ?? 'valid'), x, kernelShape, strides, dilations);
    const name = input(scope, call);
    emitWeighted(
      scope, call, weight, optionalBias(call),
      (w, b) => scope.ctx.graph.op('Conv', b ? [name, w, b] : [name, w], call.layer.name, { kernel_shape: kernelShape, strides, dilations, pads, group }),
      String(c.activation ?? 'linear'), 1,
    );
  };
}

const dense: Converter = (scope, call) => {
  single(call);
  const rank = call.inputs[0]!.shape.length;
  if (rank !== 2) fail(call, `dense on a rank-${rank} input (flatten or pool it first)`);
  const kernel = layerWeight(call.layer, 'kernel');
  if (!kernel) fail(call, 'no kernel weights');
  const name = input(scope, call);
  emitWeighted(
    scope, call, denseKernel(kernel), optionalBias(call),
    (w, b) => scope.ctx.graph.op('Gemm', b ? [name, w, b] : [name, w], call.layer.name, { transB: 1 }),
    String(config(call).activation ?? 'linear'), 1,
  );
};

/** A batch norm that could not be folded (no conv/dense right before it, or folding is off). */
const batchNorm: Converter = (scope, call) => {
  single(call);
  const rank = call.inputs[0]!.shape.length;
  const axis = config(call).axis as number | number[];
  const a = Array.isArray(axis) ? axis[0] : axis;
  if ((Array.isArray(axis) && axis.length !== 1) || (a !== -1 && a !== rank - 1)) fail(call, `batch norm over axis ${JSON.stringify(axis)} (only the channel axis)`);
  const p = batchNormParams(call.layer);
  const { graph } = scope.ctx;
  const n = p.mean.length;
  const base = call.layer.name;
  const y = graph.op(
    'BatchNormalization',
    [input(scope, call), graph.floats(`${base}/scale`, [n], p.gamma), graph.floats(`${base}/bias`, [n], p.beta), graph.floats(`${base}/mean`, [n], p.mean), graph.floats(`${base}/var`, [n], p.variance)],
    base,
    { epsilon: { float: p.epsilon } },
  );
  scope.ctx.values.set(call.outputs[0]!.id, y);
};

const relu: Converter = (scope, call) => {
  single(call);
  const c = config(call);
  const max = c.maxValue as number | null | undefined;
  const x = input(scope, call);
  const { graph } = scope.ctx;
  const y = max === null || max === undefined ? graph.op('Relu', [x], call.layer.name) : clip(graph, x, 0, max, call.layer.name);
  scope.ctx.values.set(call.outputs[0]!.id, y);
};

const leakyRelu: Converter = (scope, call) => {
  single(call);
  const alpha = Number(config(call).alpha ?? 0.3);
  scope.ctx.values.set(call.outputs[0]!.id, scope.ctx.graph.op('LeakyRelu', [input(scope, call)], call.layer.name, { alpha: { float: alpha } }));
};

const elu: Converter = (scope, call) => {
  single(call);
  const alpha = Number(config(call).alpha ?? 1);
  scope.ctx.values.set(call.outputs[0]!.id, scope.ctx.graph.op('Elu', [input(scope, call)], call.layer.name, { alpha: { float: alpha } }));
};

const activation: Converter = (scope, call) => {
  single(call);
  const rank = call.inputs[0]!.shape.length;
  const y = emitActivation(scope.ctx.graph, input(scope, call), String(config(call).activation), call.layer.name, onnxAxis(-1, rank, call), `layer '${call.layer.name}'`);
  scope.ctx.values.set(call.outputs[0]!.id, y);
};

const softmax: Converter = (scope, call) => {
  single(call);
  const rank = call.inputs[0]!.shape.length;
  const axis = config(call).axis as number | number[] | undefined;
  const a = Array.isArray(axis) ? (axis.length === 1 ? axis[0]! : fail(call, 'softmax over several axes')) : (axis ?? -1);
  scope.ctx.values.set(call.outputs[0]!.id, scope.ctx.graph.op('Softmax', [input(scope, call)], call.layer.name, { axis: onnxAxis(a, rank, call) }));
};

function pool2d(op: 'MaxPool' | 'AveragePool'): Converter {
  return (scope, call) => {
    single(call);
    channelsLast(call);
    const c = config(call);
    const x = imageInput(call);
    const kernelShape = pair(c.poolSize, call, 'poolSize');
    const strides = pair(c.strides ?? c.poolSize, call, 'strides');
    // 'same' max pooling ignores the padded cells, and so does ONNX MaxPool; tfjs 'same' average
    // pooling divides by the cells inside the image, which is ONNX's count_include_pad = 0.
    const pads = onnxPads(String(c.padding ?? 'valid'), x, kernelShape, strides);
    const attrs = { kernel_shape: kernelShape, strides, pads, ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}) };
    scope.ctx.values.set(call.outputs[0]!.id, scope.ctx.graph.op(op, [input(scope, call)], call.layer.name, attrs));
  };
}

function globalPool(op: 'GlobalAveragePool' | 'GlobalMaxPool'): Converter {
  return (scope, call) => {
    single(call);
    channelsLast(call);
    imageInput(call);
    const { graph } = scope.ctx;
    const pooled = graph.op(op, [input(scope, call)], call.layer.name);
    // [N, C, 1, 1] -> [N, C], as tfjs returns, unless the layer keeps the dims.
    const y = config(call).keepDims ? pooled : graph.op('Flatten', [pooled], `${call.layer.name}_flat`, { axis: 1 });
    scope.ctx.values.set(call.outputs[0]!.id, y);
  };
}

/**
 * tfjs flattens NHWC in (h, w, c) order and the dense weights after it expect that order, so an
 * image with more than one pixel goes back to NHWC first; a 1x1 image flattens the same either way.
 */
const flatten: Converter = (scope, call) => {
  single(call);
  const shape = call.inputs[0]!.shape;
  const { graph } = scope.ctx;
  let x = input(scope, call);
  if (shape.length === 2) {
    scope.ctx.values.set(call.outputs[0]!.id, x);
    return;
  }
  if (shape.length !== 4) fail(call, `flatten of a rank-${shape.length} tensor`);
  const spatial = (shape[1] ?? 0) * (shape[2] ?? 0);
  if (spatial !== 1) x = graph.op('Transpose', [x], `${call.layer.name}_nhwc`, { perm: [0, 2, 3, 1] });
  scope.ctx.values.set(call.outputs[0]!.id, graph.op('Flatten', [x], call.layer.name, { axis: 1 }));
};

/** tfjs Rescaling (x * scale + offset), e.g. the zoo backbones' mapping of [0, 1] pixels to their range. */
const rescaling: Converter = (scope, call) => {
  single(call);
  const c = config(call);
  const scale = Number(c.scale ?? 1);
  const offset = Number(c.offset ?? 0);
  if (!Number.isFinite(scale) || !Number.isFinite(offset)) fail(call, `scale ${JSON.stringify(c.scale)} and offset ${JSON.stringify(c.offset)} (only numbers)`);
  const { graph } = scope.ctx;
  let y = input(scope, call);
  if (scale !== 1) y = graph.op('Mul', [y, graph.scalar(scale)], call.layer.name);
  if (offset !== 0) y = graph.op('Add', [y, graph.scalar(offset)], `${call.layer.name}_offset`);
  scope.ctx.values.set(call.outputs[0]!.id, y);
};

/** ZeroPadding2D (Keras MobileNets pad before a 'valid' stride-2 conv): ONNX Pad on H and W. */
const zeroPadding: Converter = (scope, call) => {
  single(call);
  channelsLast(call);
  imageInput(call);
  const p = config(call).padding as number | [number, number] | [[number, number], [number, number]];
  const [[top, bottom], [left, right]] =
    typeof p === 'number' ? [[p, p], [p, p]] : typeof p[0] === 'number' ? [[p[0], p[0]], [p[1] as number, p[1] as number]] : (p as [[number, number], [number, number]]);
  const { graph } = scope.ctx;
  const pads = graph.int64s(`${call.layer.name}/pads`, [0, 0, top, left, 0, 0, bottom, right]);
  scope.ctx.values.set(call.outputs[0]!.id, graph.op('Pad', [input(scope, call), pads], call.layer.name, { mode: 'constant' }));
};

/** Inference-time identities: dropout and noise layers only act while training. */
const identity: Converter = (scope, call) => {
  single(call);
  scope.ctx.values.set(call.outputs[0]!.id, input(scope, call));
};

/** Element-wise merges. Inputs must have the same shape (tfjs allows some broadcasting; we don't). */
function merge(op: 'Add' | 'Mul' | 'Sub' | 'Mean' | 'Max' | 'Min'): Converter {
  const variadic = op === 'Mean' || op === 'Max' || op === 'Min';
  return (scope, call) => {
    const shapes = call.inputs.map((t) => JSON.stringify(t.shape));
    if (new Set(shapes).size !== 1) fail(call, `inputs of different shapes ${shapes.join(' vs ')}`);
    if (op === 'Sub' && call.inputs.length !== 2) fail(call, 'subtract of more than two tensors');
    const names = call.inputs.map((t) => scope.ctx.name(t));
    const { graph } = scope.ctx;
    let y: string;
    if (variadic) y = graph.op(op, names, call.layer.name);
    else {
      // ONNX Add/Mul are binary: chain them left to right.
      y = names[0]!;
      for (let i = 1; i < names.length; i++) y = graph.op(op, [y, names[i]!], call.layer.name);
    }
    scope.ctx.values.set(call.outputs[0]!.id, y);
  };
}

const concatenate: Converter = (scope, call) => {
  const rank = call.inputs[0]!.shape.length;
  if (call.inputs.some((t) => t.shape.length !== rank)) fail(call, 'inputs of different ranks');
  const axis = onnxAxis(Number(config(call).axis ?? -1), rank, call);
  const y = scope.ctx.graph.op('Concat', call.inputs.map((t) => scope.ctx.name(t)), call.layer.name, { axis });
  scope.ctx.values.set(call.outputs[0]!.id, y);
};

const CONVERTERS: Record<string, Converter> = {
  Conv2D: conv2d(false),
  DepthwiseConv2D: conv2d(true),
  Dense: dense,
  BatchNormalization: batchNorm,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  ELU: elu,
  Activation: activation,
  Softmax: softmax,
  MaxPooling2D: pool2d('MaxPool'),
  AveragePooling2D: pool2d('AveragePool'),
  GlobalAveragePooling2D: globalPool('GlobalAveragePool'),
  GlobalMaxPooling2D: globalPool('GlobalMaxPool'),
  Flatten: flatten,
  Rescaling: rescaling,
  ZeroPadding2D: zeroPadding,
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Add: merge('Add'),
  Multiply: merge('Mul'),
  Subtract: merge('Sub'),
  Average: merge('Mean'),
  Maximum: merge('Max'),
  Minimum: merge('Min'),
  Concatenate: concatenate,
};

export const SUPPORTED_LAYERS = Object.keys(CONVERTERS);
