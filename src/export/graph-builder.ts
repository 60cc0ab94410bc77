/**
 * A small builder for one ONNX graph: nodes in the order they are added (which is already
 * topological, since we add a node only after its inputs exist), float initializers stored as
 * raw little-endian bytes, and names made unique. It knows nothing about tfjs.
 */
import { DataType, onnx, type IAttributeProto, type INodeProto, type ITensorProto, type IValueInfoProto, type IGraphProto } from './onnx-proto';

export type AttributeValue = number | string | number[] | { float: number } | { floats: number[] };

/** Element types the graph's inputs can have. */
export type ElementType = 'float32' | 'uint8';

const ELEMENT: Record<ElementType, number> = { float32: DataType.FLOAT, uint8: DataType.UINT8 };

export class OnnxGraphBuilder {
  readonly nodes: INodeProto[] = [];
  readonly initializers: ITensorProto[] = [];
  readonly inputs: IValueInfoProto[] = [];
  readonly outputs: IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  /** Public names (graph inputs/outputs) kept free for rename() to give out. */
  private readonly reserved = new Set<string>();
  /** Scalar constants by value, so every Clip(0, 6) shares one pair of initializers. */
  private readonly scalars = new Map<string, string>();

  /** A name not used yet in this graph, derived from `base` (tfjs layer names are fine as bases). */
  uniqueName(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./:-]/g, '_') || 'value';
    let name = clean;
    for (let i = 1; this.used.has(name); i++) name = `${clean}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Keeps `name` out of uniqueName's reach, so rename() can give it to a value later. */
  reserve(name: string): void {
    this.used.add(name);
    this.reserved.add(name);
  }

  /** Adds a node; returns its output names (fresh unique names derived from `outputBase`). */
  node(opType: string, inputs: string[], outputBase: string, attributes: Record<string, AttributeValue> = {}, outputCount = 1): string[] {
    const outputs = Array.from({ length: outputCount }, (_, i) => this.uniqueName(outputCount === 1 ? outputBase : `${outputBase}_${i}`));
    this.nodes.push({
      opType,
      name: this.uniqueName(`${outputBase}/${opType}`),
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputs;
  }

  /** A node with one output: the common case. */
  op(opType: string, inputs: string[], outputBase: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, outputBase, attributes)[0]!;
  }

  /** A float32 initializer (weights), stored as raw bytes: compact and fast to parse. */
  floats(base: string, dims: number[], values: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected) throw new Error(`initializer ${base}: ${values.length} values for shape [${dims.join(', ')}]`);
    const name = this.uniqueName(base);
    const bytes = new Uint8Array(values.length * 4);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.initializers.push({ name, dims, dataType: DataType.FLOAT, rawData: bytes });
    return name;
  }

  /** An int64 initializer (shapes, pads: what ONNX takes as int64 tensor inputs). */
  int64s(base: string, values: number[]): string {
    const name = this.uniqueName(base);
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, int64Data: values });
    return name;
  }

  /** A float scalar constant (shape []), shared by value. Clip's min/max are inputs since opset 11. */
  scalar(value: number): string {
    const key = String(value);
    let name = this.scalars.get(key);
    if (!name) {
      name = this.floats(`const_${key.replace(/[^0-9a-z]/gi, '_')}`, [], new Float32Array([value]));
      this.scalars.set(key, name);
    }
    return name;
  }

  /** Declares a graph input or output: `dims` entries that are strings are symbolic (e.g. 'batch'). */
  declare(kind: 'input' | 'output', name: string, elementType: ElementType, dims: (number | string)[], docString?: string): void {
    const info: IValueInfoProto = {
      name,
      type: {
        tensorType: {
          elemType: ELEMENT[elementType],
          shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
        },
      },
      ...(docString ? { docString } : {}),
    };
    (kind === 'input' ? this.inputs : this.outputs).push(info);
  }

  /**
   * Renames a value everywhere (node outputs and inputs), so a graph output gets its public name
   * ('logits') without an extra Identity node.
   */
  rename(from: string, to: string): void {
    if (this.reserved.has(to)) this.reserved.delete(to);
    else if (this.used.has(to)) throw new Error(`the name ${to} is already taken in the graph`);
    this.used.add(to);
    for (const node of this.nodes) {
      node.input = node.input?.map((n) => (n === from ? to : n)) ?? null;
      node.output = node.output?.map((n) => (n === from ? to : n)) ?? null;
    }
  }

  /** The graph as a protobuf message. */
  toGraph(name: string): IGraphProto {
    return { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }
}

function attribute(name: string, value: AttributeValue): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (use { float })`);
    return { name, type: T.INT, i: value };
  }
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: value.floats };
}
