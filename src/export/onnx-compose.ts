/**
 * One ONNX file from an ONNX backbone and a head trained on its features: the backbone's graph
 * as it is, then (for a feature map) a global average pool and a flatten, then the head's dense
 * layer as a Gemm, with the outputs `logits` and `probabilities` like every export (a Softmax, or
 * for a multi-label head a Sigmoid per class). The result takes the backbone's own input and
 * preprocessing.
 */
import { onnx, DataType, type INodeProto, type ITensorProto, type IValueInfoProto } from './onnx-proto';

export interface HeadWeights {
  /** [featureDim, classes], row-major, as a tfjs dense kernel. */
  kernel: Float32Array;
  bias: Float32Array;
  featureDim: number;
  classes: number;
}

export function composeOnnxBackboneWithHead(
  backbone: Uint8Array,
  head: HeadWeights,
  options: { layout: 'nchw' | 'nhwc'; metadata: Record<string, string>; producerVersion: string; multiLabel?: boolean },
): Uint8Array {
  const model = onnx.ModelProto.decode(backbone);
  const graph = model.graph!;
  const feature = graph.output![0]!;
  const rank = feature.type?.tensorType?.shape?.dim?.length ?? 2;
  const used = new Set([...graph.node!.flatMap((n) => [...(n.output ?? []), ...(n.input ?? [])]), ...graph.initializer!.map((t) => t.name!)]);
  const name = (base: string) => {
    let n = `head_${base}`;
    for (let i = 1; used.has(n); i++) n = `head_${base}_${i}`;
    used.add(n);
    return n;
  };
  let x = feature.name!;
  const nodes: INodeProto[] = [];
  if (rank === 4) {
    if (options.layout === 'nhwc') {
      const t = name('to_nchw');
      nodes.push({ opType: 'Transpose', input: [x], output: [t], name: t, attribute: [{ name: 'perm', ints: [0, 3, 1, 2], type: onnx.AttributeProto.AttributeType.INTS }] });
      x = t;
    }
    const pooled = name('pool');
    nodes.push({ opType: 'GlobalAveragePool', input: [x], output: [pooled], name: pooled });
    x = pooled;
  }
  const flat = name('flat');
  nodes.push({ opType: 'Flatten', input: [x], output: [flat], name: flat, attribute: [{ name: 'axis', i: 1, type: onnx.AttributeProto.AttributeType.INT }] });
  const w = name('kernel');
  const b = name('bias');
  const tensor = (n: string, dims: number[], values: Float32Array): ITensorProto => ({
    name: n, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
  });
  graph.initializer!.push(tensor(w, [head.featureDim, head.classes], head.kernel), tensor(b, [head.classes], head.bias));
  nodes.push({ opType: 'Gemm', input: [flat, w, b], output: ['logits'], name: name('dense') });
  if (options.multiLabel) nodes.push({ opType: 'Sigmoid', input: ['logits'], output: ['probabilities'], name: name('sigmoid') });
  else nodes.push({ opType: 'Softmax', input: ['logits'], output: ['probabilities'], name: name('softmax'), attribute: [{ name: 'axis', i: 1, type: onnx.AttributeProto.AttributeType.INT }] });
  graph.node!.push(...nodes);
  const dims = [{ dimParam: 'batch' }, { dimValue: head.classes }];
  const out = (n: string): IValueInfoProto => ({ name: n, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: dims } } } });
  graph.output = [out('logits'), out('probabilities')];
  model.producerName = 'Apprentice';
  model.producerVersion = options.producerVersion;
  const keep = model.metadataProps.filter((p) => !(p.key! in options.metadata));
  model.metadataProps = [...keep, ...Object.entries(options.metadata).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }))];
  return onnx.ModelProto.encode(model).finish();
}
