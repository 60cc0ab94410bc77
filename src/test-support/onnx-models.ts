/**
 * Tiny ONNX classifiers written in tests (not shipped): a hand-built NCHW graph, as third-party
 * models often are, so teacher import is tested on a layout our own exporter never writes.
 */
import { OnnxGraphBuilder } from '../export/graph-builder';
import { onnx } from '../export/onnx-proto';

/**
 * Input [batch, channels, size, size] float; GlobalAveragePool -> Flatten -> Gemm(weights) ->
 * logits [batch, classes]. With weights [[1, -1], [-1, 1]] on 2 channels, "more red than green"
 * is class 0. `outputRank4` makes a deliberately wrong model whose output is a feature map.
 */
export function tinyNchwClassifier(options: { channels: number; size: number; weights: number[][]; metadata?: Record<string, string>; outputRank4?: boolean }): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.reserve('pixels');
  g.reserve('scores');
  g.declare('input', 'pixels', 'float32', ['batch', options.channels, options.size, options.size]);
  const pooled = g.op('GlobalAveragePool', ['pixels'], 'pooled');
  if (options.outputRank4) {
    g.rename(pooled, 'scores');
    g.declare('output', 'scores', 'float32', ['batch', options.channels, 1, 1]);
  } else {
    const flat = g.op('Flatten', [pooled], 'flat', { axis: 1 });
    const k = options.weights[0]!.length;
    const w = g.floats('w', [options.channels, k], Float32Array.from(options.weights.flat()));
    const b = g.floats('b', [k], new Float32Array(k));
    const logits = g.op('Gemm', [flat, w, b], 'logits');
    g.rename(logits, 'scores');
    g.declare('output', 'scores', 'float32', ['batch', k]);
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'apprentice-test',
    graph: g.toGraph('tiny'),
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Input [batch, channels, size, size] float; output [batch, ...dims] = bias + scale * m, where m
 * is the mean of the input image (ReduceMean over channels and pixels). With a YOLO-shaped
 * `dims` this is a tiny detector whose boxes are a known function of the image's brightness.
 */
export function tinyMeanAffine(options: { channels: number; size: number; dims: number[]; bias: number[]; scale: number[]; metadata?: Record<string, string>; batch?: number }): Uint8Array {
  const batch = options.batch ?? 'batch';
  const g = new OnnxGraphBuilder();
  g.reserve('pixels');
  g.reserve('output0');
  g.declare('input', 'pixels', 'float32', [batch, options.channels, options.size, options.size]);
  const mean = g.op('ReduceMean', ['pixels'], 'mean', { axes: [1, 2, 3], keepdims: 1 });
  const shape = g.int64s('shape', [-1, ...options.dims.map(() => 1)]);
  const m = g.op('Reshape', [mean, shape], 'm');
  const scale = g.floats('scale', [1, ...options.dims], Float32Array.from(options.scale));
  const bias = g.floats('bias', [1, ...options.dims], Float32Array.from(options.bias));
  const scaled = g.op('Mul', [m, scale], 'scaled');
  const out = g.op('Add', [scaled, bias], 'out');
  g.rename(out, 'output0');
  g.declare('output', 'output0', 'float32', [batch, ...options.dims]);
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'apprentice-test',
    graph: g.toGraph('tiny-affine'),
    metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Input [batch, channels, size, size] float; logits = Gemm(Log(GlobalAveragePool(pixels) - 0.5)):
 * an image whose channel means are all above 0.5 gets finite logits, any darker one gets NaN
 * (the log of a negative number), as a teacher with a broken preprocessing or weights would.
 */
export function tinyLogClassifier(options: { channels: number; size: number; classes: number }): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.reserve('pixels');
  g.reserve('scores');
  g.declare('input', 'pixels', 'float32', ['batch', options.channels, options.size, options.size]);
  const pooled = g.op('GlobalAveragePool', ['pixels'], 'pooled');
  const flat = g.op('Flatten', [pooled], 'flat', { axis: 1 });
  const shifted = g.op('Sub', [flat, g.floats('half', [1], Float32Array.of(0.5))], 'shifted');
  const logged = g.op('Log', [shifted], 'logged');
  const w = g.floats('w', [options.channels, options.classes], Float32Array.from({ length: options.channels * options.classes }, (_, i) => (i % (options.classes + 1) === 0 ? 1 : -1)));
  const b = g.floats('b', [options.classes], new Float32Array(options.classes));
  g.rename(g.op('Gemm', [logged, w, b], 'logits'), 'scores');
  g.declare('output', 'scores', 'float32', ['batch', options.classes]);
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'apprentice-test', graph: g.toGraph('tiny-log') });
  return onnx.ModelProto.encode(model).finish();
}
