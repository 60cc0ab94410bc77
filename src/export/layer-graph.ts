/**
 * The tfjs layers graph as a list of layer calls in topological order. We walk back from the
 * model's output tensors through `sourceLayer.inboundNodes[nodeIndex]` (how tfjs itself records a
 * call), so functional models with branches (add, concatenate) and Sequential models look the same,
 * and a layer called twice appears as two calls.
 */
import type * as tf from '@tensorflow/tfjs';

export type Layer = tf.layers.Layer;

export interface LayerCall {
  layer: Layer;
  inputs: tf.SymbolicTensor[];
  outputs: tf.SymbolicTensor[];
}

interface InboundNode {
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

function inboundNode(tensor: tf.SymbolicTensor): InboundNode {
  const nodes = (tensor.sourceLayer as unknown as { inboundNodes: InboundNode[] }).inboundNodes;
  const node = nodes[tensor.nodeIndex];
  if (!node) throw new Error(`tensor ${tensor.name} has no producing call in layer ${tensor.sourceLayer.name}`);
  return node;
}

/**
 * Every call needed to compute `outputs`, inputs first. InputLayer calls are left out: the
 * caller binds the model's input tensors itself.
 */
export function orderedCalls(outputs: tf.SymbolicTensor[]): LayerCall[] {
  const order: LayerCall[] = [];
  const seen = new Set<InboundNode>();
  // Iterative DFS: deep ResNets would be fine recursively, but nothing bounds a user's model depth.
  const stack: { node: InboundNode; layer: Layer; expanded: boolean }[] = [];
  const push = (t: tf.SymbolicTensor) => {
    const node = inboundNode(t);
    if (!seen.has(node)) stack.push({ node, layer: t.sourceLayer, expanded: false });
  };
  outputs.forEach(push);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (seen.has(top.node)) {
      stack.pop();
      continue;
    }
    if (!top.expanded) {
      top.expanded = true;
      // An InputLayer's node lists its own output as its input: stop there.
      if (top.layer.getClassName() !== 'InputLayer') for (const t of top.node.inputTensors) push(t);
      continue;
    }
    stack.pop();
    seen.add(top.node);
    if (top.layer.getClassName() !== 'InputLayer') {
      order.push({ layer: top.layer, inputs: top.node.inputTensors, outputs: top.node.outputTensors });
    }
  }
  return order;
}

/** The calls that read each tensor (by tensor id). */
export function readersByTensor(calls: LayerCall[]): Map<number, LayerCall[]> {
  const readers = new Map<number, LayerCall[]>();
  for (const call of calls) {
    for (const t of call.inputs) readers.set(t.id, [...(readers.get(t.id) ?? []), call]);
  }
  return readers;
}

/** Is this layer a whole model used as a layer (a nested backbone)? Its graph is inlined. */
export function isNestedModel(layer: Layer): layer is Layer & { inputs: tf.SymbolicTensor[]; outputs: tf.SymbolicTensor[] } {
  const l = layer as unknown as { inputs?: unknown; outputs?: unknown; layers?: unknown };
  return Array.isArray(l.layers) && Array.isArray(l.inputs) && Array.isArray(l.outputs);
}
