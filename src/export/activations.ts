/**
 * tfjs activation names -> ONNX nodes. A layer's fused `activation` and the standalone activation
 * layers (Activation, ReLU, LeakyReLU, ELU, Softmax) all end up here.
 */
import type { OnnxGraphBuilder } from './graph-builder';

/**
 * Emits `activation` applied to `x`; returns the output name (x itself for 'linear').
 * `channelAxis` is where tfjs's last axis lives in the ONNX tensor (1 for NCHW images), which is
 * the axis softmax runs over.
 */
export function emitActivation(graph: OnnxGraphBuilder, x: string, activation: string, base: string, channelAxis: number, where: string): string {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return graph.op('Relu', [x], base);
    case 'relu6':
      return clip(graph, x, 0, 6, base);
    case 'sigmoid':
      return graph.op('Sigmoid', [x], base);
    case 'tanh':
      return graph.op('Tanh', [x], base);
    case 'elu':
      return graph.op('Elu', [x], base, { alpha: { float: 1 } });
    case 'selu':
      // ONNX's default alpha and gamma are tfjs's SELU constants rounded to float32.
      return graph.op('Selu', [x], base);
    case 'softplus':
      return graph.op('Softplus', [x], base);
    case 'softsign':
      return graph.op('Softsign', [x], base);
    case 'hardSigmoid':
    case 'hard_sigmoid':
      // tfjs: clip(0.2 x + 0.5, 0, 1), which is ONNX HardSigmoid's default alpha and beta.
      return graph.op('HardSigmoid', [x], base, { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'swish':
      return graph.op('Mul', [x, graph.op('Sigmoid', [x], `${base}_sigmoid`)], base);
    case 'softmax':
      return graph.op('Softmax', [x], base, { axis: channelAxis });
    default:
      throw new Error(`${where}: activation '${activation}' cannot be exported to ONNX`);
  }
}

/** Clip(x, lo, hi): since opset 11 the bounds are inputs, not attributes. */
export function clip(graph: OnnxGraphBuilder, x: string, lo: number, hi: number, base: string): string {
  return graph.op('Clip', [x, graph.scalar(lo), graph.scalar(hi)], base);
}
